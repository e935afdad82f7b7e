using Checkout.Core.Callbacks;
using Checkout.Core.Data;
using Checkout.Core.Orders;
using Checkout.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace Checkout.IntegrationTests.Callbacks;

/// <summary>
/// Fresh deliveries go from the commit to the dispatcher in memory, leased at birth; everything else
/// is polled. What must hold across instances, crashes and shutdowns.
/// </summary>
public sealed class CallbackHandOffTests
{
    /// <summary>A context on the app's database file as another process would open it.</summary>
    private static CheckoutDbContext OtherProcessContext(string databasePath, params IInterceptor[] interceptors) =>
        new(new DbContextOptionsBuilder<CheckoutDbContext>()
            .UseSqlite($"Data Source={databasePath};Default Timeout=30")
            .AddInterceptors(interceptors)
            .Options);

    private static (CallbackEvent Event, CallbackDelivery Delivery) NewDelivery(string callbackUrl, int n)
    {
        var now = DateTimeOffset.UtcNow;
        var callbackEvent = CallbackEvent.Create("demo_merchant", OrderEventTypes.Canceled, new { id = $"ord_elsewhere_{n}" }, now);
        return (callbackEvent, CallbackDelivery.Create(callbackEvent, callbackUrl, now));
    }

    private static async Task<CallbackDelivery> StoredDeliveryAsync(string databasePath, string id)
    {
        await using var db = OtherProcessContext(databasePath);
        return await db.CallbackDeliveries.AsNoTracking().Include(d => d.Attempts).SingleAsync(d => d.Id == id);
    }

    [Fact]
    public async Task DeliveryCommittedByAnInstanceThatDiedBeforeSendingIt_IsSentByAnotherOnlyOnceItsLeaseRunsOut()
    {
        // This instance polls constantly: a delivery nobody held would go out at once.
        var app = new CheckoutApp(settings: CallbackAppFixture.Settings(["00:00:00.2"], pollInterval: "00:00:00.05"));
        try
        {
            await using var receiver = await CallbackReceiver.StartAsync();
            _ = app.BaseAddress;
            // The other instance: its commit leases the delivery at birth and queues it in memory, and
            // then it dies (nothing ever reads its queue).
            var deadHandOff = new CallbackHandOff();
            deadHandOff.Open();
            var deadInterceptor = new CallbackCommitInterceptor(new CallbackSignal(), deadHandOff, TimeProvider.System,
                Options.Create(new CallbackOptions { LeaseDuration = TimeSpan.FromSeconds(3), Timeout = TimeSpan.FromSeconds(1) }));
            var (callbackEvent, delivery) = NewDelivery(receiver.Url, 0);
            await using (var db = OtherProcessContext(app.DatabasePath, deadInterceptor))
            {
                db.AddRange(callbackEvent, delivery);
                await db.SaveChangesAsync();
            }
            Assert.True(deadHandOff.TryTake(out var leased));

            await Task.Delay(leased.LeasedUntil - DateTimeOffset.UtcNow - TimeSpan.FromSeconds(0.5));
            Assert.Empty(receiver.Received);

            var callback = Assert.Single(await receiver.WaitForAsync(1));
            Assert.True(DateTimeOffset.UtcNow >= leased.LeasedUntil, "sent while the dead instance still held the lease");
            Assert.Equal(callbackEvent.Id, callback.Header("Checkout-Event-Id"));
            Assert.Equal("1", callback.Header("Checkout-Delivery-Attempt"));
            await Eventually.TrueAsync(async () => (await StoredDeliveryAsync(app.DatabasePath, delivery.Id)).Status == CallbackDeliveryStatus.Succeeded);
            Assert.Single(receiver.Received);
        }
        finally
        {
            await app.DisposeAsync();
            CheckoutApp.DeleteDatabase(app.DatabasePath);
        }
    }

    [Fact]
    public async Task DeliveriesWrittenWithoutAHandOff_AreSentOnceEach_ByTwoInstancesRacingToPollThem()
    {
        var databasePath = Path.Combine(Path.GetTempPath(), $"checkout-it-{Guid.NewGuid():N}.db");
        var settings = CallbackAppFixture.Settings(["00:00:00.2"], pollInterval: "00:00:00.02");
        settings["Checkout:Callbacks:MaxConcurrency"] = "4"; // small batches: many rounds of the race
        var first = new CheckoutApp(databasePath, settings);
        var second = new CheckoutApp(databasePath, settings);
        try
        {
            await using var receiver = await CallbackReceiver.StartAsync();
            _ = first.BaseAddress;
            _ = second.BaseAddress;

            // Written by a process without a dispatcher (as the ops command would): unleased, and no instance is woken.
            var deliveries = Enumerable.Range(0, 40).Select(n => NewDelivery(receiver.Url, n)).ToList();
            await using (var db = OtherProcessContext(databasePath))
            {
                foreach (var (callbackEvent, delivery) in deliveries) db.AddRange(callbackEvent, delivery);
                await db.SaveChangesAsync();
            }

            var received = await receiver.WaitForAsync(deliveries.Count);
            foreach (var (_, delivery) in deliveries)
                await Eventually.TrueAsync(async () => (await StoredDeliveryAsync(databasePath, delivery.Id)).Status == CallbackDeliveryStatus.Succeeded);
            Assert.Equal(deliveries.Count, receiver.Received.Count);
            Assert.Equal(deliveries.Select(d => d.Event.Id).Order(), received.Select(r => r.Header("Checkout-Event-Id")).Order());
            Assert.All(received, r => Assert.Equal("1", r.Header("Checkout-Delivery-Attempt")));
            foreach (var (_, delivery) in deliveries)
                Assert.Single((await StoredDeliveryAsync(databasePath, delivery.Id)).Attempts);
        }
        finally
        {
            await first.DisposeAsync();
            await second.DisposeAsync();
            CheckoutApp.DeleteDatabase(databasePath);
        }
    }

    [Fact]
    public async Task StoppingTheApp_HandsBackTheLeaseOfACallbackInFlight_SoTheNextInstanceSendsItAtOnce()
    {
        var databasePath = Path.Combine(Path.GetTempPath(), $"checkout-it-{Guid.NewGuid():N}.db");
        var settings = CallbackAppFixture.Settings(["00:00:00.2"]);
        try
        {
            await using var receiver = await CallbackReceiver.StartAsync(answerAfter: TimeSpan.FromSeconds(4));
            string orderId;
            await using (var first = new CheckoutApp(databasePath, settings))
            {
                var merchant = await first.MerchantAsync();
                orderId = await merchant.CreateOrderWithCallbackAsync(receiver.Url);
                await merchant.CancelOrderAsync(orderId);
                await receiver.WaitForAsync(1); // in flight: the receiver has it and takes its time answering
            }

            var handedBack = await ReadDeliveryAsync(databasePath, orderId);
            Assert.Equal(CallbackDeliveryStatus.Pending, handedBack.Status);
            Assert.Null(handedBack.LeasedUntil);
            Assert.Equal(0, handedBack.AttemptCount);

            await using (var second = new CheckoutApp(databasePath, settings))
            {
                _ = second.BaseAddress;
                // Well within the minute a lease lasts: the next instance did not wait for it to run out.
                var delivered = await second.DeliveryInStatusAsync(orderId, OrderEventTypes.Canceled, CallbackDeliveryStatus.Succeeded);
                Assert.Equal(200, Assert.Single(delivered.Attempts).StatusCode);
                Assert.Equal(["1", "1"], receiver.Received.Select(r => r.Header("Checkout-Delivery-Attempt")));
            }
        }
        finally
        {
            CheckoutApp.DeleteDatabase(databasePath);
        }
    }

    [Fact]
    public async Task ManyCallbacksCommittedAtOnce_AreEachSentOnceAndRecordedOnce()
    {
        var app = new CheckoutApp(settings: CallbackAppFixture.Settings(["00:00:00.2"]));
        try
        {
            await using var receiver = await CallbackReceiver.StartAsync();
            var merchant = await app.MerchantAsync();
            var orderIds = new List<string>();
            for (var i = 0; i < 60; i++) orderIds.Add(await merchant.CreateOrderWithCallbackAsync(receiver.Url));

            await Task.WhenAll(orderIds.Select(merchant.CancelOrderAsync));

            foreach (var orderId in orderIds)
            {
                var delivery = await app.DeliveryInStatusAsync(orderId, OrderEventTypes.Canceled, CallbackDeliveryStatus.Succeeded);
                Assert.Equal(200, Assert.Single(delivery.Attempts).StatusCode);
                Assert.Null(delivery.LeasedUntil);
            }
            Assert.Equal(60, receiver.Received.Count);
            Assert.Equal(60, receiver.Received.Select(r => r.Header("Checkout-Event-Id")).Distinct().Count());
        }
        finally
        {
            await app.DisposeAsync();
            CheckoutApp.DeleteDatabase(app.DatabasePath);
        }
    }

    private static async Task<CallbackDelivery> ReadDeliveryAsync(string databasePath, string orderId)
    {
        await using var db = OtherProcessContext(databasePath);
        var eventId = await db.CallbackEvents.Where(e => e.Type == OrderEventTypes.Canceled && e.Body.Contains(orderId)).Select(e => e.Id).SingleAsync();
        return await db.CallbackDeliveries.AsNoTracking().SingleAsync(d => d.EventId == eventId);
    }
}
