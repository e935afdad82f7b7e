using System.Data;
using System.Data.Common;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace Checkout.Core.Data;

/// <summary>
/// Writes requests into the group-commit writer's open transaction, each under a savepoint so its failure undoes
/// only its own writes: new rows through their table's <see cref="PreparedInsert"/> (or through EF when the model
/// maps them in a way that does not cover), units of work through the request's own context joined to the
/// transaction, whose saves run on this connection's prepared statements (<see cref="PreparedSave"/>). Used by one
/// thread only.
/// </summary>
internal sealed class BatchWriter(CheckoutDbContext db) : IDisposable
{
    private readonly Dictionary<Type, PreparedInsert?> _inserts = [];
    private readonly ICommitFollower[] _followers = Interceptors(db).OfType<ICommitFollower>().ToArray();
    private readonly DbCommand _savepoint = Statement(db, "SAVEPOINT group_commit_request");
    private readonly DbCommand _release = Statement(db, "RELEASE SAVEPOINT group_commit_request");
    private readonly DbCommand _rollback = Statement(db, "ROLLBACK TO SAVEPOINT group_commit_request");
    private readonly DbCommand _unitSavepoint = Statement(db, "SAVEPOINT group_commit_unit");
    private readonly DbCommand _unitRelease = Statement(db, "RELEASE SAVEPOINT group_commit_unit");
    private readonly DbCommand _unitRollback = Statement(db, "ROLLBACK TO SAVEPOINT group_commit_unit");
    private DbTransaction? _transaction;
    private PreparedSave? _save;

    /// <summary>The writer's connection keeps the SQL of every request it runs prepared, when the model has <see cref="WriterStatements"/>.</summary>
    public void PrepareStatements()
    {
        if (Interceptors(db).OfType<WriterStatements>().FirstOrDefault() is { } statements && db.Database.GetDbConnection() is SqliteConnection connection)
            statements.Attach(connection);
    }

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
            Insert(rows);
            Run(_release);
            failure = null;
            return true;
        }
        catch (Exception error)
        {
            Run(_rollback);
            Run(_release);
            failure = error;
            return false;
        }
    }

    /// <summary>
    /// Inserts new rows into the open transaction: through their table's prepared INSERT, or through the writer's own
    /// context (which tracks nothing else) for rows those do not cover. A key another request holds reads as EF would
    /// report it, so callers handle one exception type.
    /// </summary>
    private void Insert(IReadOnlyList<object> rows)
    {
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
        }
        catch (DbException error)
        {
            throw new DbUpdateException("A group-committed row could not be inserted.", error);
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>
    /// Runs one unit with <paramref name="target"/> joined to this transaction; false, with the reason, when it threw.
    /// A unit that asked to be discarded is rolled back and still counts as run; what a rolled-back unit left for the
    /// commit (the outbox's deliveries) is forgotten with it.
    /// </summary>
    public bool TryRun(CheckoutDbContext target, Func<WriteUnit, bool> run, [NotNullWhen(false)] out Exception? failure)
    {
        Run(_unitSavepoint);
        var marks = Array.ConvertAll(_followers, f => f.Mark(_transaction!));
        var database = target.Database;
        Action? leave = null;
        var joined = false;
        try
        {
            leave = JoinConnection(target);
            database.UseTransaction(_transaction);
            target.JoinedWriter = (_save ??= new PreparedSave(db, Interceptors(db), InsertFor), _transaction!);
            joined = true;
            if (!run(new WriteUnit(row => Insert([row])))) RollBack(marks);
            Run(_unitRelease);
            failure = null;
            return true;
        }
        catch (Exception error)
        {
            RollBack(marks);
            Run(_unitRelease);
            failure = error;
            return false;
        }
        finally
        {
            if (joined)
            {
                target.JoinedWriter = null;
                database.UseTransaction(null);
            }
            leave?.Invoke();
        }
    }

    /// <summary>
    /// Puts <paramref name="target"/> on this writer's connection (unless it shares it already); returns what puts it
    /// back. Throws, before anything ran, when the target holds a connection of its own open.
    /// </summary>
    private Action? JoinConnection(CheckoutDbContext target)
    {
        var database = target.Database;
        var writerConnection = db.Database.GetDbConnection();
        var own = database.GetDbConnection();
        if (ReferenceEquals(own, writerConnection)) return null;
        if (own.State != ConnectionState.Closed)
            throw new InvalidOperationException("A context that holds its own connection open cannot join the group-commit writer's transaction.");
        // A context configured with a connection of its own gets that one back; one that opens connections from a
        // connection string (every pooled context) gets a fresh one, as the pool would hand it out.
        var external = RelationalOptionsExtension.Extract(target.GetService<IDbContextOptions>()).Connection is not null;
        var connectionString = database.GetConnectionString();
        database.SetDbConnection(writerConnection, contextOwnsConnection: false);
        return external
            ? () => database.SetDbConnection(own, contextOwnsConnection: false)
            : () =>
            {
                database.SetDbConnection(null, contextOwnsConnection: false);
                database.SetConnectionString(connectionString);
            };
    }

    private void RollBack(int[] marks)
    {
        Run(_unitRollback);
        for (var i = 0; i < _followers.Length; i++) _followers[i].RollBackTo(_transaction!, marks[i]);
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

    private static IEnumerable<IInterceptor> Interceptors(CheckoutDbContext db) =>
        db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.Interceptors ?? [];

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
        _unitSavepoint.Dispose();
        _unitRelease.Dispose();
        _unitRollback.Dispose();
        _save?.Dispose();
    }
}
