using Checkout.Core.Data;
using Checkout.Core.Idempotency;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Checkout.UnitTests.Data;

/// <summary>The process's writers queue on the gate (never on SQLite's busy loop) and always give it back.</summary>
public sealed class SqliteWriteGateTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"gate-{Guid.NewGuid():N}.db");
    private readonly SqliteWriteGate _gate = new(TimeSpan.FromSeconds(30));
    private readonly List<CheckoutDbContext> _contexts = [];

    public async Task InitializeAsync()
    {
        await using var db = NewContext(track: false);
        await db.Database.EnsureCreatedAsync();
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
    }

    public async Task DisposeAsync()
    {
        foreach (var db in _contexts) await db.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(_file + suffix);
    }

    private CheckoutDbContext NewContext(bool track = true)
    {
        var db = new CheckoutDbContext(new DbContextOptionsBuilder<CheckoutDbContext>()
            .UseSqlite($"Data Source={_file};Default Timeout=30")
            .AddInterceptors(_gate)
            .Options);
        if (track) _contexts.Add(db);
        return db;
    }

    private static IdempotencyRecord Claim(string key) => IdempotencyRecord.Claim("demo_merchant", key, "hash", Now, TimeSpan.FromMinutes(1));

    private async Task WaitUntilQueuedAsync(int writers)
    {
        for (var i = 0; i < 500 && _gate.Waiting < writers; i++) await Task.Delay(10);
        Assert.Equal(writers, _gate.Waiting);
    }

    [Fact]
    public async Task SecondTransaction_WaitsForTheFirstToCommit()
    {
        var first = NewContext();
        var second = NewContext();
        var firstTransaction = await first.Database.BeginTransactionAsync();
        first.IdempotencyRecords.Add(Claim("a"));
        await first.SaveChangesAsync();

        var secondSave = Task.Run(async () =>
        {
            await using var transaction = await second.Database.BeginTransactionAsync();
            var seen = await second.IdempotencyRecords.CountAsync();
            second.IdempotencyRecords.Add(Claim("b"));
            await second.SaveChangesAsync();
            await transaction.CommitAsync();
            return seen;
        });
        await WaitUntilQueuedAsync(1);
        Assert.False(secondSave.IsCompleted);

        await firstTransaction.CommitAsync();
        await firstTransaction.DisposeAsync();

        // It began after the first commit, so it saw the first row.
        Assert.Equal(1, await secondSave);
        Assert.Equal(0, _gate.Waiting);
    }

    [Fact]
    public async Task TransactionDisposedWithoutCommit_GivesTheGateBack()
    {
        var failing = NewContext();
        await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using var transaction = await failing.Database.BeginTransactionAsync();
            failing.IdempotencyRecords.Add(Claim("rolled-back"));
            await failing.SaveChangesAsync();
            throw new InvalidOperationException("the handler failed");
        });

        var next = NewContext();
        await using (var transaction = await next.Database.BeginTransactionAsync())
        {
            next.IdempotencyRecords.Add(Claim("after"));
            await next.SaveChangesAsync();
            await transaction.CommitAsync();
        }

        Assert.Equal(["after"], await next.IdempotencyRecords.Select(r => r.Key).ToListAsync());
    }

    [Fact]
    public async Task BeginThatFails_GivesTheGateBack()
    {
        var gate = new SqliteWriteGate(TimeSpan.FromSeconds(5));
        DbContextOptions<CheckoutDbContext> Options() => new DbContextOptionsBuilder<CheckoutDbContext>()
            .UseSqlite($"Data Source={_file};Default Timeout=1").AddInterceptors(gate).Options;
        // Open and not disposed until the end: nothing but the failed BEGIN itself may give the gate back.
        await using var failing = new CheckoutDbContext(Options());
        await failing.Database.OpenConnectionAsync();
        // Another process's writer (no gate in common) holds the file's write lock, so BEGIN IMMEDIATE fails.
        await using (var otherProcess = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_file};Pooling=False"))
        {
            await otherProcess.OpenAsync();
            await using var lockHolder = await otherProcess.BeginTransactionAsync();
            await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() => failing.Database.BeginTransactionAsync());
        }

        await using var next = new CheckoutDbContext(Options());
        await using var transaction = await next.Database.BeginTransactionAsync();
        next.IdempotencyRecords.Add(Claim("after-failed-begin"));
        await next.SaveChangesAsync();
        await transaction.CommitAsync();
        Assert.Equal(0, gate.Waiting);
    }

    [Fact]
    public async Task LostRelease_IsReclaimed_AndWritersGoOn()
    {
        var gate = new SqliteWriteGate(TimeSpan.FromSeconds(8));
        DbContextOptions<CheckoutDbContext> Options() => new DbContextOptionsBuilder<CheckoutDbContext>()
            .UseSqlite($"Data Source={_file};Default Timeout=30").AddInterceptors(gate).Options;
        await using var leaking = new CheckoutDbContext(Options());
        await leaking.Database.OpenConnectionAsync();
        var transaction = await leaking.Database.BeginTransactionAsync();
        // Ended below EF, so EF raises no event and the gate never hears of it: a release that got lost.
        await ((Microsoft.Data.Sqlite.SqliteTransaction)transaction.GetDbTransaction()).RollbackAsync();

        await using var next = new CheckoutDbContext(Options());
        await using (var nextTransaction = await next.Database.BeginTransactionAsync())
        {
            next.IdempotencyRecords.Add(Claim("after-lost-release"));
            await next.SaveChangesAsync();
            await nextTransaction.CommitAsync();
        }

        Assert.Equal(["after-lost-release"], await next.IdempotencyRecords.Select(r => r.Key).ToListAsync());
    }

    [Fact]
    public async Task StandaloneBulkUpdate_WaitsForAnOpenTransaction()
    {
        var setup = NewContext();
        setup.IdempotencyRecords.Add(Claim("bulk"));
        await setup.SaveChangesAsync();

        var holder = NewContext();
        var transaction = await holder.Database.BeginTransactionAsync();
        var bulk = NewContext();
        var update = bulk.IdempotencyRecords.Where(r => r.Key == "bulk").ExecuteDeleteAsync();
        await WaitUntilQueuedAsync(1);
        Assert.False(update.IsCompleted);

        await transaction.CommitAsync();
        await transaction.DisposeAsync();

        Assert.Equal(1, await update);
        Assert.Equal(0, _gate.Waiting);
    }

    [Fact]
    public async Task ManyConcurrentWriters_AllCommit()
    {
        const int writers = 40;
        await Task.WhenAll(Enumerable.Range(0, writers).Select(i => Task.Run(async () =>
        {
            await using var db = NewContext(track: false);
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.IdempotencyRecords.Add(Claim($"w{i}"));
            await db.SaveChangesAsync();
            await transaction.CommitAsync();
        })));

        Assert.Equal(writers, await NewContext().IdempotencyRecords.CountAsync());
    }

    [Fact]
    public async Task WriterThatWaitsTooLong_GetsATimeout_AndChangesNothing()
    {
        var gate = new SqliteWriteGate(TimeSpan.FromMilliseconds(50));
        DbContextOptions<CheckoutDbContext> Options() => new DbContextOptionsBuilder<CheckoutDbContext>()
            .UseSqlite($"Data Source={_file};Default Timeout=30").AddInterceptors(gate).Options;
        await using var holder = new CheckoutDbContext(Options());
        await using var waiter = new CheckoutDbContext(Options());
        await using var transaction = await holder.Database.BeginTransactionAsync();

        waiter.IdempotencyRecords.Add(Claim("late"));
        await Assert.ThrowsAsync<TimeoutException>(() => waiter.SaveChangesAsync());

        await transaction.RollbackAsync();
        Assert.Equal(0, await NewContext().IdempotencyRecords.CountAsync());
    }
}
