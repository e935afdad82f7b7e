using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Checkout.Core.Data;

/// <summary>
/// Writes requests' new rows into the group-commit writer's open transaction: each row through its table's
/// <see cref="PreparedInsert"/>, or through EF when the model maps it in a way that does not cover, each request
/// under a savepoint so its failure undoes only its own rows. Used by one thread only.
/// </summary>
internal sealed class BatchWriter(CheckoutDbContext db) : IDisposable
{
    private readonly Dictionary<Type, PreparedInsert?> _inserts = [];
    private readonly DbCommand _savepoint = Statement(db, "SAVEPOINT group_commit_request");
    private readonly DbCommand _release = Statement(db, "RELEASE SAVEPOINT group_commit_request");
    private readonly DbCommand _rollback = Statement(db, "ROLLBACK TO SAVEPOINT group_commit_request");
    private DbTransaction? _transaction;

    /// <summary>Begins the batch's transaction (through EF, so the write gate and the interceptors see it).</summary>
    public IDbContextTransaction Begin()
    {
        var transaction = db.Database.BeginTransaction();
        _transaction = transaction.GetDbTransaction();
        return transaction;
    }

    /// <summary>Writes one request's rows; false, with the reason, when they were rolled back.</summary>
    public bool TryWrite(IReadOnlyList<object> rows, [NotNullWhen(false)] out Exception? failure)
    {
        Run(_savepoint);
        try
        {
            var viaEf = false;
            foreach (var row in rows)
            {
                if (InsertFor(row.GetType()) is { } insert && insert.CanInsert(row)) insert.Execute(row, _transaction!);
                else
                {
                    db.Add(row);
                    viaEf = true;
                }
            }
            if (viaEf) db.SaveChanges();
            Run(_release);
            failure = null;
            return true;
        }
        catch (Exception error)
        {
            Run(_rollback);
            Run(_release);
            // A key another request holds reads as EF would report it, so callers handle one exception type.
            failure = error is DbException ? new DbUpdateException("A group-committed row could not be inserted.", error) : error;
            return false;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    private PreparedInsert? InsertFor(Type type)
    {
        if (!_inserts.TryGetValue(type, out var insert)) _inserts[type] = insert = PreparedInsert.TryCreate(db, type);
        return insert;
    }

    private void Run(DbCommand statement)
    {
        statement.Transaction = _transaction;
        statement.ExecuteNonQuery();
    }

    private static DbCommand Statement(CheckoutDbContext db, string sql)
    {
        var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        return command;
    }

    public void Dispose()
    {
        foreach (var insert in _inserts.Values) insert?.Dispose();
        _savepoint.Dispose();
        _release.Dispose();
        _rollback.Dispose();
    }
}
