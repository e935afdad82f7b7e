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
        if (db.Model.FindEntityType(clrType) is not { } entityType || entityType.IsOwned() || entityType.GetTableMappings().FirstOrDefault() is not { } mapping)
            return null;
        var table = mapping.Table;
        if (!OwnedReferencesShare(entityType, table)) return null;
        var sql = db.GetService<ISqlGenerationHelper>();
        var command = db.Database.GetDbConnection().CreateCommand();
        var columns = new List<string>();
        var placeholders = new List<string>();
        var values = new List<Func<object, object?>>();
        foreach (var column in table.Columns)
        {
            if (MappingOf(entityType, column) is not { } columnMapping || ValueOf(entityType, columnMapping.Property) is not { } value)
            {
                command.Dispose();
                return null;
            }
            var name = $"p{values.Count}";
            command.Parameters.Add(columnMapping.TypeMapping.CreateParameter(command, sql.GenerateParameterName(name), null, column.IsNullable));
            columns.Add(sql.DelimitIdentifier(column.Name));
            placeholders.Add(sql.GenerateParameterNamePlaceholder(name));
            values.Add(value);
        }
        command.CommandText = $"INSERT INTO {sql.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", placeholders)})";
        var ownedCollections = OwnedCollections(entityType).ToArray();
        return new PreparedInsert(command, [.. values], row => ownedCollections.Any(hasRows => hasRows(row)));
    }

    // The root's own property for the column, else an owned type's; a column only a shadow property fills
    // (a discriminator, say) is not covered.
    private static IColumnMapping? MappingOf(IEntityType root, IColumn column) =>
        column.PropertyMappings.FirstOrDefault(m => m.Property.DeclaringType == root && !m.Property.IsShadowProperty())
        ?? column.PropertyMappings.FirstOrDefault(m => !m.Property.IsShadowProperty());

    // Every owned reference (and theirs, in turn) must live in the root's table, or its columns would be left out.
    private static bool OwnedReferencesShare(IEntityType type, ITable table) =>
        type.GetNavigations()
            .Where(n => n.ForeignKey.IsOwnership && !n.IsCollection)
            .All(n => n.TargetEntityType.GetTableMappings().Any(m => m.Table == table) && OwnedReferencesShare(n.TargetEntityType, table));

    // The column's value for a row: from the root entity's property, or from an owned object's (null when there is none).
    private static Func<object, object?>? ValueOf(IEntityType root, IProperty property)
    {
        var path = PathTo(root, property.DeclaringType);
        if (path is null) return null;
        var read = property.GetGetter();
        var converter = property.GetTypeMapping().Converter;
        return row =>
        {
            object? target = row;
            foreach (var navigation in path)
            {
                target = navigation.GetGetter().GetClrValue(target);
                if (target is null) return null;
            }
            var value = read.GetClrValue(target);
            return value is null || converter is null ? value : converter.ConvertToProvider(value);
        };
    }

    // The owned-reference navigations from the root down to the type that declares a property.
    private static List<INavigation>? PathTo(IEntityType root, ITypeBase declaring)
    {
        var path = new List<INavigation>();
        var type = declaring as IEntityType;
        while (type is not null && type != root)
        {
            var ownership = type.FindOwnership();
            if (ownership?.PrincipalToDependent is not { IsCollection: false } navigation) return null;
            path.Insert(0, navigation);
            type = ownership.PrincipalEntityType;
        }
        return type == root ? path : null;
    }

    private static IEnumerable<Func<object, bool>> OwnedCollections(IEntityType root) =>
        root.GetNavigations()
            .Where(n => n.IsCollection && n.ForeignKey.IsOwnership)
            .Select(n => (Func<object, bool>)(row => n.GetGetter().GetClrValue(row) is System.Collections.ICollection { Count: > 0 }));
}
