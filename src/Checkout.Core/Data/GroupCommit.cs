using System.Threading.Channels;
using Checkout.Core.Common;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Core.Data;

/// <summary>
/// One writer for new rows that need nothing read inside their transaction (a new order, its Idempotency-Key
/// record). Requests queue their rows; a single thread takes everything queued meanwhile and inserts it in one
/// transaction, then answers each request once that commit is durable. SQLite has one writer per file anyway:
/// this turns N transactions through the write gate into one, so under load each commit carries many requests.
/// Each request's rows go in under a savepoint of their own, so one request's conflict (a key someone else took)
/// never fails its neighbours.
/// </summary>
public sealed class GroupCommit : IDisposable
{
    /// <summary>Requests committed in one transaction at most.</summary>
    public const int MaxBatch = 256;

    private readonly IDbContextFactory<CheckoutDbContext> _contexts;
    private readonly Channel<PendingRows> _queue = Channel.CreateUnbounded<PendingRows>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Thread _writer;
    private readonly List<PendingRows> _inFlight = new(MaxBatch);
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
        var pending = new PendingRows(rows);
        if (!_queue.Writer.TryWrite(pending)) throw new ObjectDisposedException(nameof(GroupCommit));
        return pending.Committed.Task;
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
                foreach (var pending in _inFlight) pending.Committed.TrySetException(failure);
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
        while (_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            while (_inFlight.Count < MaxBatch && _queue.Reader.TryRead(out var pending)) _inFlight.Add(pending);
            Commit(writer, _inFlight);
            _inFlight.Clear();
        }
        return true;
    }

    // Each request's rows go in under a savepoint of their own: a request whose rows fail is rolled back alone.
    // Every request hears its outcome only after the commit, so a loser that looks up the row it lost to finds it.
    private void Commit(BatchWriter writer, List<PendingRows> batch)
    {
        var failures = new Exception?[batch.Count];
        try
        {
            using var transaction = writer.Begin();
            for (var i = 0; i < batch.Count; i++)
                if (!writer.TryWrite(batch[i].Rows, out var failure)) failures[i] = failure;
            transaction.Commit();
        }
        catch (Exception failure)
        {
            // Nothing of the batch committed.
            foreach (var pending in batch) pending.Committed.TrySetException(failure);
            return;
        }
        Interlocked.Increment(ref _batches);
        Interlocked.Add(ref _committed, failures.Count(f => f is null));
        for (var i = 0; i < batch.Count; i++)
        {
            if (failures[i] is { } failure) batch[i].Committed.TrySetException(failure);
            else batch[i].Committed.TrySetResult();
        }
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        // What is queued is still written; a writer stuck longer than this is abandoned with the process.
        _writer.Join(TimeSpan.FromSeconds(10));
    }

    private sealed class PendingRows(IReadOnlyList<object> rows)
    {
        public IReadOnlyList<object> Rows { get; } = rows;
        public TaskCompletionSource Committed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
