using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Checkout.Core.Data;

/// <summary>
/// Keeps the SQL that runs on the group-commit writer's connection prepared. Microsoft.Data.Sqlite compiles every
/// command anew, and the writer runs the same few shapes all day (a confirm's save, the read of its order, a
/// callback's result): compiling them costs the one thread every write waits for. Commands on a connection
/// <see cref="Attach">attached</see> here run as statements prepared once on it (readers and non-queries: EF's reads
/// and saves); every other connection is left alone. Used from the writer's thread only, like the connection itself.
/// </summary>
public sealed class WriterStatements : DbCommandInterceptor
{
    /// <summary>Statements kept per connection; past it the least recently added are compiled again.</summary>
    public const int MaxStatements = 128;

    private readonly ConditionalWeakTable<DbConnection, Statements> _connections = new();

    /// <summary>Serves <paramref name="connection"/>'s commands from prepared statements until it is disposed.</summary>
    public void Attach(SqliteConnection connection)
    {
        var statements = new Statements(connection);
        _connections.AddOrUpdate(connection, statements);
        connection.Disposed += (_, _) => statements.Dispose();
    }

    /// <summary>Statements prepared on <paramref name="connection"/> now (for tests).</summary>
    public int PreparedOn(DbConnection connection) => _connections.TryGetValue(connection, out var statements) ? statements.Count : 0;

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result) =>
        !result.HasResult && StatementsFor(command) is { } statements && statements.TryExecuteReader((SqliteCommand)command) is { } reader
            ? InterceptionResult<DbDataReader>.SuppressWithResult(reader)
            : result;

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result) =>
        !result.HasResult && StatementsFor(command) is { } statements && statements.TryExecuteNonQuery((SqliteCommand)command) is { } rows
            ? InterceptionResult<int>.SuppressWithResult(rows)
            : result;

    // Microsoft.Data.Sqlite runs every command synchronously, so the async paths do the same work.
    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(ReaderExecuting(command, eventData, result));

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(NonQueryExecuting(command, eventData, result));

    private Statements? StatementsFor(DbCommand command) =>
        command is SqliteCommand { Connection: { } connection } && _connections.TryGetValue(connection, out var statements) ? statements : null;

    private sealed class Statements(SqliteConnection connection) : IDisposable
    {
        private readonly Dictionary<string, Statement> _byText = new(StringComparer.Ordinal);
        private readonly Queue<string> _added = new();

        public int Count => _byText.Count;

        public DbDataReader? TryExecuteReader(SqliteCommand command)
        {
            if (Take(command) is not { } statement) return null;
            try
            {
                return new PreparedReader(statement.Command.ExecuteReader(), () => statement.InUse = false);
            }
            catch
            {
                statement.InUse = false;
                throw;
            }
        }

        public int? TryExecuteNonQuery(SqliteCommand command)
        {
            if (Take(command) is not { } statement) return null;
            try
            {
                return statement.Command.ExecuteNonQuery();
            }
            finally
            {
                statement.InUse = false;
            }
        }

        // The command's statement, bound to its parameters; null while that statement's reader is still open (a
        // read nested in a read of the same SQL), which then runs the normal way.
        private Statement? Take(SqliteCommand command)
        {
            var statement = Prepared(command.CommandText);
            if (statement.InUse) return null;
            statement.InUse = true;
            var prepared = statement.Command;
            prepared.Transaction = command.Transaction;
            prepared.CommandTimeout = command.CommandTimeout;
            PreparedParameters.CopyTo(command, prepared);
            return statement;
        }

        private Statement Prepared(string sql)
        {
            if (_byText.TryGetValue(sql, out var statement)) return statement;
            if (_byText.Count >= MaxStatements) Evict();
            var command = connection.CreateCommand();
            command.CommandText = sql;
            statement = new Statement(command);
            _byText.Add(sql, statement);
            _added.Enqueue(sql);
            return statement;
        }

        private void Evict()
        {
            while (_added.TryDequeue(out var oldest))
            {
                if (!_byText.TryGetValue(oldest, out var statement) || statement.InUse) continue;
                statement.Command.Dispose();
                _byText.Remove(oldest);
                return;
            }
        }

        public void Dispose()
        {
            foreach (var statement in _byText.Values) statement.Command.Dispose();
            _byText.Clear();
        }
    }

    private sealed class Statement(SqliteCommand command)
    {
        public SqliteCommand Command { get; } = command;
        public bool InUse { get; set; }
    }
}
