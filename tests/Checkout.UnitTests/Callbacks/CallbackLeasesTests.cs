using System.Data.Common;
using Checkout.Core.Callbacks;
using Checkout.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;

namespace Checkout.UnitTests.Callbacks;

/// <summary>The poll's leases, on a real SQLite file so that several connections can race like several instances.</summary>
public sealed class CallbackLeasesTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan LeaseDuration = TimeSpan.FromMinutes(1);
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"checkout-leases-{Guid.NewGuid():N}.db");
    private readonly WriteCounter _writes = new();

    public async Task InitializeAsync()
    {
        await using var db = NewContext();
        await db.Database.EnsureCreatedAsync();
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
    }

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" }) File.Delete(file);
        return Task.CompletedTask;
    }

    private CheckoutDbContext NewContext() => new(new DbContextOptionsBuilder<CheckoutDbContext>()
        .UseSqlite($"Data Source={_path};Default Timeout=30")
        .AddInterceptors(_writes)
        .Options);

    /// <summary>Counts UPDATE statements: what leasing costs the single writer.</summary>
    private sealed class WriteCounter : DbCommandInterceptor
    {
        private int _updates;
        public int Updates => _updates;

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.TrimStart().StartsWith("UPDATE", StringComparison.OrdinalIgnoreCase)) Interlocked.Increment(ref _updates);
            return ValueTask.FromResult(result);
        }
    }

    private async Task<List<string>> AddDeliveriesAsync(int count, Action<CallbackDelivery>? change = null)
    {
        await using var db = NewContext();
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var callbackEvent = CallbackEvent.Create("demo_merchant", "order.succeeded", new { id = $"ord_{i}" }, Now);
            var delivery = CallbackDelivery.Create(callbackEvent, "https://shop.example/callbacks", Now.AddSeconds(-i));
            change?.Invoke(delivery);
            db.AddRange(callbackEvent, delivery);
            ids.Add(delivery.Id);
        }
        await db.SaveChangesAsync();
        return ids;
    }

    private async Task<List<LeasedCallback>> LeaseAsync(int count, DateTimeOffset now)
    {
        await using var db = NewContext();
        return await CallbackLeases.LeaseDueAsync(db, count, now, LeaseDuration, NullLogger.Instance, CancellationToken.None);
    }

    [Fact]
    public async Task DueDeliveries_AreLeasedWithOneStatement_OldestFirst_WithWhatSendingNeeds()
    {
        var due = await AddDeliveriesAsync(6);
        var leasedByOthers = await AddDeliveriesAsync(2, d => d.Lease(Now.AddSeconds(30)));
        var notDueYet = await AddDeliveriesAsync(1, d => d.RecordAttempt(Now, TimeSpan.Zero, 500, null, [TimeSpan.FromMinutes(5)]));
        var updatesBefore = _writes.Updates;

        var leased = await LeaseAsync(5, Now);

        Assert.Equal(1, _writes.Updates - updatesBefore);
        // Created a second apart, the last one first: the five oldest.
        Assert.Equal(due.AsEnumerable().Reverse().Take(5).Order(), leased.Select(l => l.DeliveryId).Order());
        Assert.All(leased, l =>
        {
            Assert.Equal("https://shop.example/callbacks", l.Url);
            Assert.StartsWith("evt_", l.EventId);
            Assert.Contains(l.EventId, l.Body);
            Assert.Equal("demo_merchant", l.MerchantId);
            Assert.Equal(1, l.AttemptNumber);
            Assert.True(l.LeasedUntil >= Now + LeaseDuration);
        });
        await using var db = NewContext();
        var stored = await db.CallbackDeliveries.AsNoTracking().ToDictionaryAsync(d => d.Id);
        Assert.All(leased, l => Assert.Equal(l.LeasedUntil, stored[l.DeliveryId].LeasedUntil));
        Assert.All(leasedByOthers, id => Assert.Equal(Now.AddSeconds(30), stored[id].LeasedUntil));
        Assert.Null(stored[notDueYet[0]].LeasedUntil);
    }

    [Fact]
    public async Task DeliveryWhoseLeaseRanOut_IsLeasedAgain_WithTheNextAttemptNumber()
    {
        var crashed = await AddDeliveriesAsync(1, d =>
        {
            d.RecordAttempt(Now.AddMinutes(-10), TimeSpan.Zero, 500, null, [TimeSpan.Zero]);
            d.Lease(Now.AddSeconds(-1));
        });

        var leased = Assert.Single(await LeaseAsync(10, Now));

        Assert.Equal(crashed[0], leased.DeliveryId);
        Assert.Equal(2, leased.AttemptNumber);
    }

    [Fact]
    public async Task NothingDue_WritesNothing()
    {
        await AddDeliveriesAsync(2, d => d.Lease(Now.AddSeconds(30)));
        var updatesBefore = _writes.Updates;

        Assert.Empty(await LeaseAsync(10, Now));

        Assert.Equal(updatesBefore, _writes.Updates);
    }

    [Fact]
    public async Task DispatchersLeasingAtOnce_NeverGetTheSameDelivery_AndTogetherGetEveryOne()
    {
        var ids = await AddDeliveriesAsync(120);

        // Four dispatchers, each polling small batches as fast as it can, until nothing is left.
        var won = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var mine = new List<string>();
            for (var misses = 0; misses < 3;)
            {
                var leased = await LeaseAsync(7, Now);
                if (leased.Count == 0) misses++;
                mine.AddRange(leased.Select(l => l.DeliveryId));
            }
            return mine;
        })));

        var all = won.SelectMany(w => w).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
        Assert.Equal(ids.Order(), all.Order());
    }

    [Fact]
    public async Task TimeUntilNextDue_WaitsForTheEarlierOfTheNextAttemptAndAnyLease()
    {
        await AddDeliveriesAsync(1, d => d.Lease(Now.AddSeconds(20)));
        await AddDeliveriesAsync(1, d => d.RecordAttempt(Now, TimeSpan.Zero, 500, null, [TimeSpan.FromSeconds(40)]));
        await using var db = NewContext();

        Assert.Equal(TimeSpan.FromSeconds(20), await CallbackLeases.TimeUntilNextDueAsync(db, Now, TimeSpan.FromMinutes(1), CancellationToken.None));
        Assert.Equal(TimeSpan.FromSeconds(5), await CallbackLeases.TimeUntilNextDueAsync(db, Now, TimeSpan.FromSeconds(5), CancellationToken.None));
        Assert.Equal(TimeSpan.Zero, await CallbackLeases.TimeUntilNextDueAsync(db, Now.AddSeconds(25), TimeSpan.FromMinutes(1), CancellationToken.None));
    }

    [Fact]
    public void LeaseExpiries_AreWholeMilliseconds_AndNeverRepeatForThePoll()
    {
        var now = Now.AddTicks(4321);

        var expiries = Enumerable.Range(0, 50).Select(_ => LeaseExpiry.Unique(now, LeaseDuration)).ToList();

        Assert.Equal(now.AddTicks(-4321) + LeaseDuration, LeaseExpiry.After(now, LeaseDuration));
        Assert.Equal(expiries.Count, expiries.Distinct().Count());
        Assert.All(expiries, e => Assert.Equal(0, e.Ticks % TimeSpan.TicksPerMillisecond));
        Assert.All(expiries, e => Assert.True(e >= now + LeaseDuration - TimeSpan.FromMilliseconds(1)));
    }
}
