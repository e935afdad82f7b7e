using Checkout.Core.Callbacks;
using Checkout.Core.Data;
using Checkout.Core.Merchants;
using Checkout.Core.Orders;
using Checkout.Core.Payments.Processors;
using Checkout.Core.Shoppers;
using Checkout.UnitTests.Orders;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;

namespace Checkout.UnitTests.Data;

/// <summary>
/// A unit's SaveChanges runs on the writer's prepared statements, not EF's update pipeline, and must store exactly
/// what EF would: owned parts in their owner's row, generated keys read back, concurrency tokens checked, all or
/// nothing; a change it does not cover is saved by EF.
/// </summary>
public sealed class PreparedSaveTests : IAsyncLifetime
{
    private readonly WriterDatabase _database = new();

    public Task InitializeAsync() => _database.InitializeAsync();

    public Task DisposeAsync() => _database.DisposeAsync().AsTask();

    private async Task<Order> StoredAsync(Order order)
    {
        await _database.GroupCommit.SaveAsync([order]);
        return order;
    }

    private async Task<Order> ReadAsync(string id)
    {
        await using var db = _database.NewContext();
        return await db.Orders.AsNoTracking().SingleAsync(o => o.Id == id);
    }

    // Runs the change on a tracked copy of the order as a unit, and returns the EF commands the unit's context ran.
    private async Task<List<string>> ChangeAsync(string orderId, Action<Order, CheckoutDbContext> change)
    {
        await using var db = _database.NewContext();
        var before = _database.Commands.Texts.Count;
        await _database.GroupCommit.RunAsync(db, async _ =>
        {
            var order = await db.Orders.SingleAsync(o => o.Id == orderId);
            change(order, db);
            await db.SaveChangesAsync();
            Assert.All(db.ChangeTracker.Entries(), e => Assert.Equal(EntityState.Unchanged, e.State));
            return 0;
        });
        return _database.Commands.Texts.Skip(before).ToList();
    }

    private static bool IsWrite(string sql) => sql.Contains("INSERT", StringComparison.Ordinal) || sql.Contains("UPDATE", StringComparison.Ordinal);

    [Fact]
    public async Task AConfirm_IsSavedWithoutEfsUpdatePipeline_AndReadsBackAsSaved()
    {
        var order = await StoredAsync(OrderBuilder.Created());
        long attemptKey = 0;

        var commands = await ChangeAsync(order.Id, (tracked, db) =>
        {
            tracked.Attempt(ProcessorStatus.Captured);
            db.SaveChanges(); // the attempt's generated key is on the entry afterwards
            var key = db.Entry(tracked.Attempts[0]).Property("Id");
            Assert.False(key.IsTemporary);
            attemptKey = (long)key.CurrentValue!;
            Assert.Empty(db.ChangeTracker.Entries<CallbackEvent>()); // the outbox's rows are written, never tracked
            Assert.Empty(db.ChangeTracker.Entries<CallbackDelivery>());
        });

        Assert.DoesNotContain(commands, IsWrite);
        var stored = await ReadAsync(order.Id);
        Assert.Equal(OrderStatus.Succeeded, stored.Status);
        Assert.Equal(1, stored.Version);
        Assert.Equal(order.Amount, stored.AmountCaptured);
        var attempt = Assert.Single(stored.Attempts);
        Assert.Equal("succeeded", attempt.Outcome);
        await using var db = _database.NewContext();
        Assert.Equal(attemptKey, await db.Database.SqlQueryRaw<long>("SELECT \"Id\" AS \"Value\" FROM \"PaymentAttempts\"").SingleAsync());
        // The outbox wrote the event and its delivery in the same save, and handed the delivery over after the commit.
        var delivery = await db.CallbackDeliveries.SingleAsync();
        Assert.Equal(delivery.Id, Assert.Single(_database.HandedOver()).DeliveryId);
        Assert.Equal("order.succeeded", (await db.CallbackEvents.SingleAsync(e => e.Id == delivery.EventId)).Type);
    }

    [Fact]
    public async Task AnOwnedPart_IsSetAndClearedInItsOwnersRow()
    {
        var order = await StoredAsync(OrderBuilder.Created());

        await ChangeAsync(order.Id, (tracked, _) => tracked.Attempt(ProcessorStatus.Declined, "insufficient_funds"));
        var declined = await ReadAsync(order.Id);
        await ChangeAsync(order.Id, (tracked, _) => tracked.Attempt(ProcessorStatus.Captured));
        var paid = await ReadAsync(order.Id);

        Assert.Equal("card_declined", declined.LastPaymentError?.Code);
        Assert.Equal("insufficient_funds", declined.LastPaymentError?.DeclineCode);
        Assert.Equal(OrderStatus.Created, declined.Status);
        Assert.Null(paid.LastPaymentError);
        Assert.Equal(["declined", "succeeded"], paid.Attempts.OrderBy(a => a.Number).Select(a => a.Outcome));
    }

    [Fact]
    public async Task AnOwnedPartChangedAlone_WritesItsOwnersRow()
    {
        var order = await StoredAsync(OrderBuilder.InStatus(OrderStatus.Succeeded));
        var opensAt = OrderBuilder.Now.AddDays(3);

        var commands = await ChangeAsync(order.Id, (tracked, _) => tracked.ScheduleDispute(opensAt));

        Assert.DoesNotContain(commands, IsWrite);
        var stored = await ReadAsync(order.Id);
        Assert.Equal(opensAt, stored.Dispute?.OpensAt);
        Assert.Equal(order.Version, stored.Version);
    }

    [Fact]
    public async Task AStaleVersion_FailsAsAConcurrencyConflict_AndWritesNothingOfTheSave()
    {
        var order = await StoredAsync(OrderBuilder.Created());
        await using var db = _database.NewContext();

        var (conflicted, attemptsAfter, keyTemporary) = await _database.GroupCommit.RunAsync(db, async _ =>
        {
            var tracked = await db.Orders.SingleAsync(o => o.Id == order.Id);
            await db.Database.ExecuteSqlRawAsync("UPDATE \"Orders\" SET \"Version\" = \"Version\" + 1 WHERE \"Id\" = {0}", order.Id);
            tracked.Attempt(ProcessorStatus.Captured);
            var thrown = await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => db.SaveChangesAsync());
            var attempts = await db.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM \"PaymentAttempts\"").SingleAsync();
            return (Assert.Single(thrown.Entries).Entity, attempts, db.Entry(tracked.Attempts[0]).Property("Id").IsTemporary);
        });

        Assert.IsType<Order>(conflicted);
        Assert.Equal(0, attemptsAfter);
        Assert.True(keyTemporary);
        var stored = await ReadAsync(order.Id);
        Assert.Equal(OrderStatus.Created, stored.Status);
        Assert.Equal(1, stored.Version); // the other writer's change stands
        Assert.Empty(_database.HandedOver());
        await using var check = _database.NewContext();
        Assert.False(await check.CallbackEvents.AnyAsync());
    }

    [Fact]
    public async Task ABrokenConstraint_FailsTheSave_AndWritesNothingOfIt()
    {
        await using var db = _database.NewContext();
        var order = OrderBuilder.Created();

        await _database.GroupCommit.RunAsync(db, async _ =>
        {
            (await db.WalletBalances.SingleAsync(w => w.ShopperId == _database.ShopperId)).Credit(500);
            db.Orders.Add(order);
            db.Merchants.Add(Merchant.Create("demo_merchant", "Taken", "secret", "whsec", ["shop.example"], OrderBuilder.Now));
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
            return 0;
        });

        Assert.Equal(0, await _database.BalanceAsync());
        await using var check = _database.NewContext();
        Assert.False(await check.Orders.AnyAsync(o => o.Id == order.Id));
    }

    /// <summary>Another dispatcher retakes one delivery's lease as the first save of the batch begins.</summary>
    private sealed class LeaseRetakenWhileSaving(string deliveryId) : SaveChangesInterceptor, ISaveFollower
    {
        private bool _retaken;

        public void Saving(DbContext context, IReadOnlyList<object> newRows)
        {
            if (_retaken) return;
            _retaken = true;
            context.Database.ExecuteSqlRaw("UPDATE \"CallbackDeliveries\" SET \"LeasedUntil\" = \"LeasedUntil\" + 1 WHERE \"Id\" = {0}", deliveryId);
        }

        public void Saved(DbContext context) { }

        public void SaveFailed(DbContext context) { }
    }

    [Fact]
    public async Task ALeaseRetakenWhileResultsAreSaved_FailsOnlyThatRow_AndTheRecorderSavesTheRest()
    {
        var leasedUntil = OrderBuilder.Now.AddMinutes(1);
        var events = Enumerable.Range(0, 3).Select(i => CallbackEvent.Create("demo_merchant", "order.succeeded", new { id = $"ord_{i}" }, OrderBuilder.Now)).ToList();
        var deliveries = events.Select(e => CallbackDelivery.Create(e, "https://shop.example/cb", OrderBuilder.Now)).ToList();
        var retake = new LeaseRetakenWhileSaving(deliveries[1].Id);
        await using var database = new WriterDatabase(retake);
        await database.InitializeAsync();
        await using (var seed = database.NewContext())
        {
            foreach (var delivery in deliveries) delivery.Lease(leasedUntil);
            seed.AddRange([.. events, .. deliveries]);
            await seed.SaveChangesAsync();
        }
        var results = deliveries.Zip(events, (d, e) => CallbackResult.Sent(
            new LeasedCallback(d.Id, d.Url, e.Id, e.Body, "demo_merchant", 1, leasedUntil),
            new CallbackOutcome(OrderBuilder.Now, TimeSpan.FromMilliseconds(3), 200, null))).ToList();
        await using var db = database.NewContext();
        var before = database.Commands.Texts.Count;

        await database.GroupCommit.RunAsync(db, _ => new CallbackAttemptRecorder([], NullLogger.Instance).RecordAsync(db, results, CancellationToken.None));

        Assert.Contains("LeasedUntil\" + 1", Assert.Single(database.Commands.Texts.Skip(before), IsWrite)); // EF ran the retake only
        await using var check = database.NewContext();
        var stored = await check.CallbackDeliveries.AsNoTracking().Include(d => d.Attempts).ToDictionaryAsync(d => d.Id);
        Assert.Equal(CallbackDeliveryStatus.Pending, stored[deliveries[1].Id].Status);
        Assert.Empty(stored[deliveries[1].Id].Attempts);
        Assert.NotEqual(leasedUntil, stored[deliveries[1].Id].LeasedUntil);
        Assert.All([deliveries[0], deliveries[2]], d => Assert.Equal(200, Assert.Single(stored[d.Id].Attempts).StatusCode));
    }

    [Fact]
    public async Task ADelete_IsLeftToEf_AndHappens()
    {
        var card = SavedCard.Create(_database.ShopperId, "visa", "4242", 12, 2030, "pm_card_visa", OrderBuilder.Now);
        await _database.GroupCommit.SaveAsync([card]);
        await using var db = _database.NewContext();

        await _database.GroupCommit.RunAsync(db, async _ =>
        {
            db.SavedCards.Remove(await db.SavedCards.SingleAsync());
            await db.SaveChangesAsync();
            return 0;
        });

        Assert.Equal(0, await db.SavedCards.CountAsync());
    }

    [Fact]
    public async Task ASaveLeftToEf_StillWritesItsOutboxRows_AndHandsTheDeliveryOverOnce()
    {
        var card = SavedCard.Create(_database.ShopperId, "visa", "4242", 12, 2030, "pm_card_visa", OrderBuilder.Now);
        await _database.GroupCommit.SaveAsync([card]);
        var order = await StoredAsync(OrderBuilder.Created());

        var commands = await ChangeAsync(order.Id, (tracked, db) =>
        {
            db.SavedCards.Remove(db.SavedCards.Single());
            tracked.Attempt(ProcessorStatus.Captured);
        });

        Assert.Contains(commands, IsWrite); // EF saved it: a delete is not the writer's
        await using var check = _database.NewContext();
        var delivery = await check.CallbackDeliveries.SingleAsync();
        Assert.Equal("order.succeeded", (await check.CallbackEvents.SingleAsync()).Type);
        Assert.Equal(delivery.Id, Assert.Single(_database.HandedOver()).DeliveryId);
        Assert.NotNull(delivery.LeasedUntil);
        Assert.Equal(OrderStatus.Succeeded, (await ReadAsync(order.Id)).Status);
    }
}
