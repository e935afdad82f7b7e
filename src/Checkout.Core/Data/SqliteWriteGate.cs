using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Checkout.Core.Data;

/// <summary>
/// SQLite has one writer per file. Left alone, writers that find the file locked sleep in SQLite's busy
/// loop (1, 2, 5 … 100 ms steps) on a thread-pool thread, which turns contention into long tails.
/// This gate queues the process's own writers on an async semaphore instead: a transaction takes the
/// gate before <c>BEGIN</c> and gives it back on commit or rollback, and a single write outside a
/// transaction (ExecuteUpdate/ExecuteDelete) holds it for its one statement. Other processes still
/// meet SQLite's busy timeout.
/// </summary>
public sealed class SqliteWriteGate : DbConnectionInterceptor, IDbTransactionInterceptor, IDbCommandInterceptor, ISaveChangesInterceptor, ISaveFollower
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TimeSpan _maxWait;
    // The contexts that hold the gate now. A context holds it at most once: EF forbids nested transactions.
    private readonly ConditionalWeakTable<DbContext, Holder> _holders = new();
    // No write legitimately holds the gate this long; a holder older than this lost its release (a path EF
    // raises no event for) and is reclaimed, so one lost release costs a pause, never a stuck writer queue.
    // SQLite's own lock still keeps writes correct if a slow holder is in fact alive.
    private static readonly TimeSpan ReclaimAfter = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan WaitSlice = TimeSpan.FromMilliseconds(500);

    private sealed class Holder
    {
        public long Since { get; } = Environment.TickCount64;
    }

    /// <param name="maxWait">How long a writer queues before giving up, as SQLite's busy timeout would.</param>
    public SqliteWriteGate(TimeSpan maxWait) => _maxWait = maxWait;

    public SqliteWriteGate() : this(TimeSpan.FromSeconds(10)) { }

    /// <summary>Writers waiting now (for diagnostics and tests).</summary>
    public int Waiting => _waiting;
    private int _waiting;

    // The gate is taken and BEGIN is sent here, together: a BEGIN that fails or is canceled after the gate was
    // taken raises no transaction event, so it gives the gate straight back.
    public async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(DbConnection connection, TransactionStartingEventData eventData,
        InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
    {
        if (result.HasResult || eventData.Context is null) return result;
        await EnterAsync(eventData.Context, cancellationToken);
        try
        {
            return InterceptionResult<DbTransaction>.SuppressWithResult(await connection.BeginTransactionAsync(eventData.IsolationLevel, cancellationToken));
        }
        catch
        {
            Leave(eventData.Context);
            throw;
        }
    }

    public InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
    {
        if (result.HasResult || eventData.Context is null) return result;
        Enter(eventData.Context);
        try
        {
            return InterceptionResult<DbTransaction>.SuppressWithResult(connection.BeginTransaction(eventData.IsolationLevel));
        }
        catch
        {
            Leave(eventData.Context);
            throw;
        }
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Leave(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Leave(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Leave(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Leave(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData)
    {
        if (eventData.Action is "Commit" or "Rollback") Leave(eventData.Context);
    }

    public Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        TransactionFailed(transaction, eventData);
        return Task.CompletedTask;
    }

    // A transaction disposed without commit or rollback (an exception inside `await using`) raises no
    // transaction event; EF closes or disposes the connection next, so the gate is given back there.
    public override InterceptionResult ConnectionClosing(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Leave(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult> ConnectionClosingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Leave(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult ConnectionDisposing(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Leave(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult> ConnectionDisposingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
    {
        Leave(eventData.Context);
        return ValueTask.FromResult(result);
    }

    // EF saves a single row without a transaction; always taking one routes every save through the gate.
    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        AlwaysInTransaction(eventData.Context);
        return result;
    }

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        AlwaysInTransaction(eventData.Context);
        return ValueTask.FromResult(result);
    }

    void ISaveFollower.Saving(DbContext context, IReadOnlyList<object> newRows) => AlwaysInTransaction(context);

    void ISaveFollower.Saved(DbContext context) { }

    void ISaveFollower.SaveFailed(DbContext context) { }

    private static void AlwaysInTransaction(DbContext? context)
    {
        if (context is not null) context.Database.AutoTransactionBehavior = AutoTransactionBehavior.Always;
    }

    // Single statements outside a transaction: bulk updates and deletes commit on their own.
    public async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        if (IsStandaloneWrite(command, eventData)) await EnterAsync(eventData.Context, cancellationToken);
        return result;
    }

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        if (IsStandaloneWrite(command, eventData)) Enter(eventData.Context);
        return result;
    }

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        if (command.Transaction is null) Leave(eventData.Context);
        return result;
    }

    public ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (command.Transaction is null) Leave(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public void CommandFailed(DbCommand command, CommandErrorEventData eventData)
    {
        if (command.Transaction is null) Leave(eventData.Context);
    }

    public Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        CommandFailed(command, eventData);
        return Task.CompletedTask;
    }

    public void CommandCanceled(DbCommand command, CommandEndEventData eventData)
    {
        if (command.Transaction is null) Leave(eventData.Context);
    }

    public Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        CommandCanceled(command, eventData);
        return Task.CompletedTask;
    }

    private bool IsStandaloneWrite(DbCommand command, CommandEventData eventData) =>
        command.Transaction is null && eventData.Context is not null && !_holders.TryGetValue(eventData.Context, out _);

    // Only writes EF makes for a context are gated; a context is what ties BEGIN to its COMMIT.
    private async ValueTask EnterAsync(DbContext? context, CancellationToken cancellationToken)
    {
        if (context is null) return;
        Interlocked.Increment(ref _waiting);
        try
        {
            var deadline = Environment.TickCount64 + (long)_maxWait.TotalMilliseconds;
            while (!await _gate.WaitAsync(WaitSlice, cancellationToken))
            {
                ReclaimLost();
                if (Environment.TickCount64 >= deadline) throw Timeout();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
        _holders.AddOrUpdate(context, new Holder());
    }

    private void Enter(DbContext? context)
    {
        if (context is null) return;
        Interlocked.Increment(ref _waiting);
        try
        {
            var deadline = Environment.TickCount64 + (long)_maxWait.TotalMilliseconds;
            while (!_gate.Wait(WaitSlice))
            {
                ReclaimLost();
                if (Environment.TickCount64 >= deadline) throw Timeout();
            }
        }
        finally
        {
            Interlocked.Decrement(ref _waiting);
        }
        _holders.AddOrUpdate(context, new Holder());
    }

    /// <summary>
    /// Holds the gate for work that is not an EF write (the WAL checkpointer's last pass); dispose to give it back.
    /// Such a holder is not reclaimed: keep the work short.
    /// </summary>
    public async ValueTask<IDisposable> HoldAsync(CancellationToken cancellationToken)
    {
        if (!await _gate.WaitAsync(_maxWait, cancellationToken)) throw Timeout();
        return new Held(_gate);
    }

    private sealed class Held(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) gate.Release();
        }
    }

    private void ReclaimLost()
    {
        var now = Environment.TickCount64;
        foreach (var (context, holder) in _holders)
        {
            if (now - holder.Since > ReclaimAfter.TotalMilliseconds && _holders.Remove(context)) _gate.Release();
        }
    }

    private void Leave(DbContext? context)
    {
        if (context is not null && _holders.Remove(context)) _gate.Release();
    }

    private TimeoutException Timeout() =>
        new($"Waited {_maxWait.TotalSeconds:0} s for the database's single writer; another write is holding it.");
}
