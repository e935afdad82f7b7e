using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Checkout.Core.Data;

/// <summary>
/// One table's INSERT for new rows of one entity type, generated once from EF's own model and kept prepared on
/// the group-commit writer's connection. EF's update pipeline spends most of a save on per-row work a new row of
/// a fixed shape does not need (change detection, command batching, SQL generation); here each row is one
/// execution of a prepared statement, its values read through EF's getters and value converters, so the mapping
/// cannot drift from the model. Owned types stored in the same table (a payment error, a dispute) are columns of
/// the row; an owned collection (payment attempts) lives in another table, so a row must not have any yet.
/// </summary>
internal sealed class PreparedInsert : IDisposable
{
    private readonly DbCommand _command;
    private readonly Func<object, object?>[] _values;
    private readonly Func<object, bool> _hasOwnedRows;

    private PreparedInsert(DbCommand command, Func<object, object?>[] values, Func<object, bool> hasOwnedRows)
    {
        _command = command;
        _values = values;
        _hasOwnedRows = hasOwnedRows;
    }

    /// <summary>False for a row this statement cannot write whole: one that already has rows in an owned collection.</summary>
    public bool CanInsert(object row) => !_hasOwnedRows(row);

    public void Execute(object row, DbTransaction transaction)
    {
        _command.Transaction = transaction;
        for (var i = 0; i < _values.Length; i++) _command.Parameters[i].Value = _values[i](row) ?? DBNull.Value;
        _command.ExecuteNonQuery();
    }

    public void Dispose() => _command.Dispose();

    /// <summary>The prepared INSERT for <paramref name="clrType"/>, or null when the model maps it in a way this does not cover.</summary>
    public static PreparedInsert? TryCreate(DbContext db, Type clrType)
    {
        if (db.Model.FindEntityType(clrType) is not { } entityType || entityType.IsOwned() || RowMapping.TableOf(entityType) is not { } table)
            return null;
        var sql = db.GetService<ISqlGenerationHelper>();
        var command = db.Database.GetDbConnection().CreateCommand();
        var columns = new List<string>();
        var placeholders = new List<string>();
        var values = new List<Func<object, object?>>();
        foreach (var column in table.Columns)
        {
            if (RowMapping.MappingOf(entityType, column) is not { } columnMapping || RowMapping.ClrReader(entityType, columnMapping.Property) is not { } read)
            {
                command.Dispose();
                return null;
            }
            var name = $"p{values.Count}";
            command.Parameters.Add(columnMapping.TypeMapping.CreateParameter(command, sql.GenerateParameterName(name), null, column.IsNullable));
            columns.Add(sql.DelimitIdentifier(column.Name));
            placeholders.Add(sql.GenerateParameterNamePlaceholder(name));
            var toProvider = RowMapping.ToProvider(columnMapping.Property);
            values.Add(row => toProvider(read(row)));
        }
        command.CommandText = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", placeholders)})";
        var ownedCollections = OwnedCollections(entityType).ToArray();
        return new PreparedInsert(command, [.. values], row => ownedCollections.Any(hasRows => hasRows(row)));
    }

    private static IEnumerable<Func<object, bool>> OwnedCollections(IEntityType root) =>
        root.GetNavigations()
            .Where(n => n.IsCollection && n.ForeignKey.IsOwnership)
            .Select(n => (Func<object, bool>)(row => n.GetGetter().GetClrValue(row) is System.Collections.ICollection { Count: > 0 }));
}
