using Checkout.Core.Data;
using Checkout.Core.Idempotency;
using Checkout.Core.Merchants;
using Checkout.Core.Orders;
using Checkout.Core.Payments.Processors;
using Checkout.UnitTests.Orders;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Checkout.UnitTests.Data;

/// <summary>New rows from many requests commit together, read back exactly as EF wrote them, and fail one request at a time.</summary>
public sealed class GroupCommitTests : IAsyncLifetime
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"group-commit-{Guid.NewGuid():N}.db");
    private readonly SqliteWriteGate _gate = new(TimeSpan.FromSeconds(30));
    private GroupCommit _groupCommit = null!;

    private DbContextOptions<CheckoutDbContext> Options => new DbContextOptionsBuilder<CheckoutDbContext>()
        .UseSqlite($"Data Source={_file};Default Timeout=30")
        .AddInterceptors(_gate)
        .Options;

    public async Task InitializeAsync()
    {
        await using var db = new CheckoutDbContext(Options);
        await db.Database.EnsureCreatedAsync();
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        db.Merchants.Add(Merchant.Create("demo_merchant", "Demo", "secret", "whsec", ["shop.example"], OrderBuilder.Now));
        await db.SaveChangesAsync();
        _groupCommit = new GroupCommit(new PooledDbContextFactory<CheckoutDbContext>(Options));
    }

    public Task DisposeAsync()
    {
        _groupCommit.Dispose();
        SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(_file + suffix);
        return Task.CompletedTask;
    }

    private static IdempotencyRecord Record(string key, byte[]? body = null)
    {
        var record = IdempotencyRecord.Claim("demo_merchant", key, "hash", OrderBuilder.Now, TimeSpan.FromMinutes(1));
        record.Complete(201, "application/json", "https://checkout.example/api/v1/orders/x", body ?? [1, 2, 3]);
        return record;
    }

    private static Order OrderWithMetadata()
    {
        var order = Order.Create(new NewOrder(1999, "EUR", "Two cups of tea", "inv-7", "https://shop.example/ok", "https://shop.example/err",
            null, CaptureMethod.Manual, new Dictionary<string, string> { ["cart"] = "42", ["note"] = "ünïcode" }, TimeSpan.FromMinutes(30)),
            "demo_merchant", OrderBuilder.Now);
        return order;
    }

    private async Task<Order> ReadBackAsync(string id)
    {
        await using var db = new CheckoutDbContext(Options);
        return await db.Orders.AsNoTracking().SingleAsync(o => o.Id == id);
    }

    [Fact]
    public async Task NewOrder_ReadsBackExactlyAsWritten()
    {
        var order = OrderWithMetadata();

        await _groupCommit.SaveAsync([order]);

        var stored = await ReadBackAsync(order.Id);
        Assert.Equivalent(OrderResource.From(order), OrderResource.From(stored), strict: true);
        Assert.Equal(order.Version, stored.Version);
        Assert.Null(stored.LastPaymentError);
        Assert.Null(stored.Dispute);
    }

    [Fact]
    public async Task OrderWithAttempts_IsWrittenThroughEf_WithItsAttemptsAndError()
    {
        var order = OrderBuilder.InStatus(OrderStatus.Failed);

        await _groupCommit.SaveAsync([order]);

        var stored = await ReadBackAsync(order.Id);
        Assert.Single(stored.Attempts);
        Assert.Equal("fraudulent", stored.LastPaymentError!.DeclineCode);
        Assert.Equivalent(OrderResource.From(order), OrderResource.From(stored), strict: true);
    }

    [Fact]
    public async Task IdempotencyRecord_KeepsItsStoredResponseByteForByte()
    {
        var body = Enumerable.Range(0, 5000).Select(i => (byte)(i % 251)).ToArray();

        await _groupCommit.SaveAsync([Record("bytes", body)]);

        await using var db = new CheckoutDbContext(Options);
        var stored = await db.IdempotencyRecords.AsNoTracking().SingleAsync(r => r.Key == "bytes");
        Assert.True(stored.IsCompleted);
        Assert.Equal(201, stored.ResponseStatusCode);
        Assert.Equal("https://checkout.example/api/v1/orders/x", stored.ResponseLocation);
        Assert.Equal(body, stored.ResponseBody);
    }

    [Fact]
    public async Task RequestsQueuedWhileTheWriterWaits_CommitTogether()
    {
        var before = _groupCommit.Committed;
        Task[] saves;
        // While the gate is held the writer cannot begin, so everything queues behind its first batch.
        using (await _gate.HoldAsync(CancellationToken.None))
        {
            saves = Enumerable.Range(0, 100).Select(i => _groupCommit.SaveAsync([OrderBuilder.Created(), Record($"together-{i}")])).ToArray();
            await Task.Delay(50);
            Assert.All(saves, s => Assert.False(s.IsCompleted));
        }
        await Task.WhenAll(saves);

        var after = _groupCommit.Committed;
        Assert.Equal(100, after.Requests - before.Requests);
        Assert.InRange(after.Batches - before.Batches, 1, 3);
        await using var db = new CheckoutDbContext(Options);
        Assert.Equal(100, await db.IdempotencyRecords.CountAsync(r => r.Key.StartsWith("together-")));
    }

    [Fact]
    public async Task RequestWhoseKeyIsTaken_FailsAlone_AndItsNeighboursCommit()
    {
        await _groupCommit.SaveAsync([Record("taken")]);
        var loser = OrderBuilder.Created();
        var winners = Enumerable.Range(0, 20).Select(_ => OrderBuilder.Created()).ToList();

        Task loserSave;
        List<Task> winnerSaves;
        using (await _gate.HoldAsync(CancellationToken.None))
        {
            winnerSaves = winners.Take(10).Select(o => _groupCommit.SaveAsync([o])).ToList();
            loserSave = _groupCommit.SaveAsync([loser, Record("taken")]);
            winnerSaves.AddRange(winners.Skip(10).Select(o => _groupCommit.SaveAsync([o])));
        }

        await Assert.ThrowsAsync<DbUpdateException>(() => loserSave);
        await Task.WhenAll(winnerSaves);
        await using var db = new CheckoutDbContext(Options);
        Assert.False(await db.Orders.AnyAsync(o => o.Id == loser.Id)); // its order went with its key
        var ids = winners.Select(o => o.Id).ToList();
        Assert.Equal(20, await db.Orders.CountAsync(o => ids.Contains(o.Id)));
    }

    [Fact]
    public void RowsThatRaiseEvents_AreRefused()
    {
        var order = OrderBuilder.Created();
        order.Attempt(ProcessorStatus.Captured); // raises order.succeeded

        // Refused at once, on the caller's thread, before anything is queued.
        Assert.Throws<ArgumentException>(() => { _ = _groupCommit.SaveAsync([order]); });
    }

    private sealed class FailingOnce(IDbContextFactory<CheckoutDbContext> inner) : IDbContextFactory<CheckoutDbContext>
    {
        public int Calls { get; private set; }

        public CheckoutDbContext CreateDbContext() =>
            ++Calls == 1 ? throw new InvalidOperationException("The database is not reachable.") : inner.CreateDbContext();
    }

    [Fact]
    public async Task Writer_WhoseSessionBroke_StartsANewOne_AndKeepsCommitting()
    {
        var factory = new FailingOnce(new PooledDbContextFactory<CheckoutDbContext>(Options));
        using var groupCommit = new GroupCommit(factory);
        var order = OrderBuilder.Created();

        await groupCommit.SaveAsync([order]).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(factory.Calls >= 2);
        Assert.Equal(order.Id, (await ReadBackAsync(order.Id)).Id);
    }
}
