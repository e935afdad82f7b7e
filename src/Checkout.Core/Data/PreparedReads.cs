using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Checkout.Core.Data;

/// <summary>
/// Microsoft.Data.Sqlite compiles the SQL of every command anew: it keeps no statement cache. For a wide read such
/// as an order with its attempts and refunds, compiling costs several times more than running it. A query tagged
/// with <see cref="Tag"/> (<c>TagWith(PreparedReads.Tag)</c>) runs instead on one of a few long-lived connections
/// that keep its statement prepared, and EF materializes from that reader as usual. Each read still starts its own
/// read transaction, so it sees the latest commit, exactly like a freshly opened connection.
/// Reads inside a transaction, in-memory databases (another connection would see another database) and reads that
/// find every prepared connection busy take the normal path.
/// Inside <see cref="WithoutOwnConnection"/> a context does not even open its own pooled connection for such a read
/// (opening one registers EF's SQL functions on it and closing it resets it: as much work again as the read); it
/// opens it only when a command does need it.
/// </summary>
public sealed class PreparedReads : DbCommandInterceptor, IDbConnectionInterceptor, IDisposable
{
    public const string Tag = "prepared-read";
    private static readonly AsyncLocal<bool> OwnConnectionDeferred = new();
    private const string TagComment = "-- " + Tag;
    private const int MaxStatementsPerConnection = 16;

    private readonly int _maxConnections;
    private readonly ConcurrentDictionary<string, ConnectionPool?> _pools = new();
    private volatile bool _disposed;

    /// <param name="maxConnections">Connections kept open per database; more concurrent reads take the normal path.</param>
    public PreparedReads(int maxConnections) => _maxConnections = maxConnections;

    public PreparedReads() : this(Math.Max(4, 2 * Environment.ProcessorCount)) { }

    /// <summary>Prepared connections open now, over all databases (for diagnostics and tests).</summary>
    public int OpenConnections => _pools.Values.Sum(p => p?.Count ?? 0);

    /// <summary>
    /// Until the scope is disposed, contexts on this async flow defer opening their own connection (see the class
    /// remarks). For reads only: a transaction begun inside the scope would find its connection closed.
    /// </summary>
    public static DeferredConnectionScope WithoutOwnConnection()
    {
        OwnConnectionDeferred.Value = true;
        return default;
    }

    public readonly struct DeferredConnectionScope : IDisposable
    {
        public void Dispose() => OwnConnectionDeferred.Value = false;
    }

    public InterceptionResult ConnectionOpening(DbConnection connection, ConnectionEventData eventData, InterceptionResult result) =>
        !result.IsSuppressed && OwnConnectionDeferred.Value && connection is SqliteConnection { State: ConnectionState.Closed } sqlite
            && !_disposed && _pools.GetOrAdd(sqlite.ConnectionString, CreatePool) is not null
            ? InterceptionResult.Suppress()
            : result;

    public ValueTask<InterceptionResult> ConnectionOpeningAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result,
        CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(ConnectionOpening(connection, eventData, result));

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        if (result.HasResult || _disposed || command.Transaction is not null || command is not SqliteCommand sqlite
            || !command.CommandText.StartsWith(TagComment, StringComparison.Ordinal))
            return OpenDeferred(command, result);
        var pool = _pools.GetOrAdd(sqlite.Connection!.ConnectionString, CreatePool);
        if (pool?.Rent() is not { } connection) return OpenDeferred(command, result);
        DbDataReader? reader;
        try
        {
            reader = connection.TryExecute(sqlite, pool);
        }
        catch (Exception)
        {
            // Let EF run it the normal way: a real error surfaces there, a broken prepared connection is dropped.
            pool.Discard(connection);
            return OpenDeferred(command, result);
        }
        if (reader is not null) return InterceptionResult<DbDataReader>.SuppressWithResult(reader);
        pool.Return(connection);
        return OpenDeferred(command, result);
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result) =>
        OpenDeferred(command, result);

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(OpenDeferred(command, result));

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result) =>
        OpenDeferred(command, result);

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result,
        CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(OpenDeferred(command, result));

    // A command this class does not serve, on a connection whose opening was deferred: open it now, as EF would have.
    private static T OpenDeferred<T>(DbCommand command, T result)
    {
        if (command.Connection is SqliteConnection { State: ConnectionState.Closed } connection)
        {
            connection.Open();
            using var settings = connection.CreateCommand();
            settings.CommandText = SqliteConnectionSettings.Pragmas;
            settings.ExecuteNonQuery();
        }
        return result;
    }

    // Microsoft.Data.Sqlite runs every command synchronously, so the async path does the same work.
    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(ReaderExecuting(command, eventData, result));

    public void Dispose()
    {
        _disposed = true;
        foreach (var pool in _pools.Values) pool?.Dispose();
    }

    private ConnectionPool? CreatePool(string connectionString)
    {
        var settings = new SqliteConnectionStringBuilder(connectionString);
        if (settings.Mode == SqliteOpenMode.Memory || settings.DataSource is "" or ":memory:") return null;
        settings.Pooling = false; // these connections live as long as the pool; closing them must release the file
        return new ConnectionPool(settings.ToString(), _maxConnections);
    }

    private sealed class ConnectionPool(string connectionString, int maxConnections) : IDisposable
    {
        private readonly ConcurrentBag<PreparedConnection> _idle = [];
        private int _count;
        private volatile bool _disposed;

        public int Count => _count;

        public PreparedConnection? Rent()
        {
            if (_idle.TryTake(out var idle)) return idle;
            if (Interlocked.Increment(ref _count) > maxConnections)
            {
                Interlocked.Decrement(ref _count);
                return null;
            }
            try
            {
                return PreparedConnection.Open(connectionString);
            }
            catch (SqliteException)
            {
                Interlocked.Decrement(ref _count);
                return null;
            }
        }

        public void Return(PreparedConnection connection)
        {
            if (_disposed) Discard(connection);
            else _idle.Add(connection);
        }

        public void Discard(PreparedConnection connection)
        {
            connection.Dispose();
            Interlocked.Decrement(ref _count);
        }

        public void Dispose()
        {
            _disposed = true;
            while (_idle.TryTake(out var connection)) Discard(connection);
        }
    }

    private sealed class PreparedConnection : IDisposable
    {
        private readonly SqliteConnection _connection;
        private readonly Dictionary<string, SqliteCommand> _statements = new(StringComparer.Ordinal);

        private PreparedConnection(SqliteConnection connection) => _connection = connection;

        public static PreparedConnection Open(string connectionString)
        {
            var connection = new SqliteConnection(connectionString);
            try
            {
                connection.Open();
                using var settings = connection.CreateCommand();
                settings.CommandText = SqliteConnectionSettings.Pragmas;
                settings.ExecuteNonQuery();
                return new PreparedConnection(connection);
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }

        /// <summary>Runs the command's SQL as a prepared statement; null when this connection keeps no more statements.</summary>
        public DbDataReader? TryExecute(SqliteCommand command, ConnectionPool pool)
        {
            if (!_statements.TryGetValue(command.CommandText, out var statement))
            {
                if (_statements.Count >= MaxStatementsPerConnection) return null;
                statement = _connection.CreateCommand();
                statement.CommandText = command.CommandText;
                statement.Prepare();
                _statements.Add(command.CommandText, statement);
            }
            statement.CommandTimeout = command.CommandTimeout;
            PreparedParameters.CopyTo(command, statement);
            return new PreparedReader(statement.ExecuteReader(), () => pool.Return(this));
        }

        public void Dispose()
        {
            foreach (var statement in _statements.Values) statement.Dispose();
            _connection.Dispose();
        }
    }
}
