using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;
using Checkout.Core.Common;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Core.Data;

/// <summary>
/// One writer for the process's request writes. Requests queue new rows that need nothing read inside their
/// transaction (a new order, its Idempotency-Key record), or a unit of work that reads and changes (a confirm, a
/// capture); a single thread takes everything queued meanwhile and runs it in one transaction, then answers each
/// request once that commit is durable. SQLite has one writer per file anyway: this turns N transactions through
/// the write gate into one, so under load each commit carries many requests, and the work inside it runs on a
/// thread of its own instead of waiting for the thread pool between statements while it holds the writer.
/// Each request goes in under a savepoint of its own, so one request's failure (a key someone else took, a refused
/// transition) never fails its neighbours.
/// </summary>
public sealed class GroupCommit : IDisposable
{
    /// <summary>Requests committed in one transaction at most.</summary>
    public const int MaxBatch = 256;

    private readonly IDbContextFactory<CheckoutDbContext> _contexts;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Thread _writer;
    private readonly List<Pending> _inFlight = new(MaxBatch);
    private static readonly TimeSpan SessionRetryDelay = TimeSpan.FromMilliseconds(100);
    private long _batches;
    private long _committed;

    public GroupCommit(IDbContextFactory<CheckoutDbContext> contexts)
    {
        _contexts = contexts;
        // A thread of its own: a writer that queued on the thread pool behind the requests it serves would add
        // their queueing delay to every commit.
        _writer = new Thread(WriteLoop) { IsBackground = true, Name = "Checkout group commit" };
        _writer.Start();
    }

    /// <summary>Transactions committed so far and the requests they carried (diagnostics and tests).</summary>
    public (long Batches, long Requests) Committed => (Interlocked.Read(ref _batches), Interlocked.Read(ref _committed));

    /// <summary>
    /// Inserts <paramref name="rows"/> (entities with their owned parts) in one transaction, shared with other
    /// requests' rows. Completes after the commit; throws what EF threw when these rows could not be inserted.
    /// Once queued the rows are written even if the caller stops waiting, as a commit racing a disconnect would be.
    /// </summary>
    public Task SaveAsync(IReadOnlyList<object> rows)
    {
        if (rows.Count == 0) return Task.CompletedTask;
        // Events go through the outbox of a normal save, whose hand-off to the dispatcher this writer does not do.
        if (rows.Any(r => r is IEventSource { RaisedEvents.Count: > 0 }))
            throw new ArgumentException("Rows that raise events are saved through the DbContext, not group commit.", nameof(rows));
        return Enqueue(new PendingRows(rows));
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the writer, with <paramref name="db"/> (which must not be in a transaction
    /// or hold its connection open) joined to the writer's transaction for the duration: what it reads sees every
    /// commit before it, and what it saves commits with the batch. Completes after that commit with the work's
    /// result, or throws what the work threw (its writes rolled back). The work should not wait on anything but the
    /// database: the writer waits for it, and so does every request queued behind it. It writes through
    /// <paramref name="db"/> only: another context would queue for the write lock this writer holds.
    /// </summary>
    public Task<T> RunAsync<T>(CheckoutDbContext db, Func<WriteUnit, Task<T>> work) => Enqueue(new PendingUnit<T>(db, work));

    private Task<T> Enqueue<T>(Pending<T> pending)
    {
        // Work on the writer that waited for more work on the writer would wait for itself.
        if (Thread.CurrentThread == _writer) throw new InvalidOperationException("Work running on the group-commit writer cannot queue more work on it.");
        if (!_queue.Writer.TryWrite(pending)) throw new ObjectDisposedException(nameof(GroupCommit));
        return pending.Task;
    }

    private void WriteLoop()
    {
        // A session is one context and connection. One that breaks (the file went away, the connection failed) is
        // replaced, so the queue keeps draining instead of leaving every later request waiting forever.
        while (true)
        {
            try
            {
                if (RunSession()) return;
            }
            catch (Exception failure)
            {
                foreach (var pending in _inFlight) pending.Fail(failure);
                _inFlight.Clear();
                Thread.Sleep(SessionRetryDelay);
            }
        }
    }

    // True once the queue is completed and drained.
    private bool RunSession()
    {
        using var db = _contexts.CreateDbContext();
        // Every row is new and nothing tracked is ever modified here: scanning for changes would find none.
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        // Kept open for the writer's life: its prepared statements live on this connection, and so does its page cache,
        // which stays valid while this is the only writer, so a large one keeps the indexes' hot pages in memory.
        db.Database.OpenConnection();
        db.Database.ExecuteSqlRaw("PRAGMA cache_size=-65536;");
        using var writer = new BatchWriter(db);
        writer.PrepareStatements();
        while (_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (_inFlight.Count < MaxBatch && _queue.Reader.TryRead(out var pending)) _inFlight.Add(pending);
            Commit(writer, _inFlight);
            _inFlight.Clear();
        }
        return true;
    }

    // Each request goes in under a savepoint of its own: a request that fails is rolled back alone. Every request
    // hears its outcome only after the commit, so a loser that looks up the row it lost to finds it.
    private void Commit(BatchWriter writer, List<Pending> batch)
    {
        var failures = new Exception?[batch.Count];
        try
        {
            using var transaction = writer.Begin();
            for (var i = 0; i < batch.Count; i++)
                if (!batch[i].TryWrite(writer, out var failure)) failures[i] = failure;
            transaction.Commit();
        }
        catch (Exception failure)
        {
            // Nothing of the batch committed.
            foreach (var pending in batch) pending.Fail(failure);
            return;
        }
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _committed, failures.Count(f => f is null));
        for (var i = 0; i < batch.Count; i++)
        {
            if (failures[i] is { } failure) batch[i].Fail(failure);
            else batch[i].Succeed();
        }
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        // What is queued is still written; a writer stuck longer than this is abandoned with the process.
        _writer.Join(TimeSpan.FromSeconds(10));
    }

    private abstract class Pending
    {
        /// <summary>Writes into the writer's open transaction; false, with the reason, when that was rolled back.</summary>
        public abstract bool TryWrite(BatchWriter writer, [NotNullWhen(false)] out Exception? failure);

        public abstract void Succeed();

        public abstract void Fail(Exception failure);
    }

    private abstract class Pending<T> : Pending
    {
        protected TaskCompletionSource<T> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<T> Task => Outcome.Task;

        public override void Fail(Exception failure) => Outcome.TrySetException(failure);
    }

    private sealed class PendingRows(IReadOnlyList<object> rows) : Pending<bool>
    {
        public override bool TryWrite(BatchWriter writer, [NotNullWhen(false)] out Exception? failure) => writer.TryWrite(rows, out failure);

        public override void Succeed() => Outcome.TrySetResult(true);
    }

    private sealed class PendingUnit<T>(CheckoutDbContext db, Func<WriteUnit, Task<T>> work) : Pending<T>
    {
        // The request's async locals (its logging scope, its activity) go with its work onto the writer.
        private readonly ExecutionContext? _context = ExecutionContext.Capture();
        private T? _result;

        public override bool TryWrite(BatchWriter writer, [NotNullWhen(false)] out Exception? failure) => writer.TryRun(db, Run, out failure);

        public override void Succeed() => Outcome.TrySetResult(_result!);

        // On the writer thread: the database calls inside complete synchronously, so the work runs here to its end.
        private bool Run(WriteUnit unit)
        {
            if (_context is null) Execute(unit);
            else ExecutionContext.Run(_context, _ => Execute(unit), null);
            return !unit.Discarded;
        }

        private void Execute(WriteUnit unit) => _result = work(unit).GetAwaiter().GetResult();
    }
}
