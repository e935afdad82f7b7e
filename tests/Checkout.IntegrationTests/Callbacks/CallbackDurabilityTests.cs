using Checkout.Core.Callbacks;
using Checkout.Core.Orders;
using Checkout.Core.Data;
using Checkout.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.IntegrationTests.Callbacks;

/// <summary>Deliveries survive restarts and crashes, and several instances on one database never double-send.</summary>
public sealed class CallbackDurabilityTests
{
    [Fact]
    public async Task PendingDelivery_IsDeliveredByTheNextInstance_AfterARestart()
    {
        var port = CallbackReceiver.FreePort();
        var databasePath = Path.Combine(Path.GetTempPath(), $"checkout-it-{Guid.NewGuid():N}.db");
        // Retries a second apart for ten seconds: long enough to outlive the restart.
        var settings = CallbackAppFixture.Settings(Enumerable.Repeat("00:00:01", 10).ToArray());
        try
        {
            string orderId;
            await using (var first = new CheckoutApp(databasePath, settings))
            {
                var merchant = await first.MerchantAsync();
                orderId = await merchant.CreateOrderWithCallbackAsync(CallbackReceiver.UrlFor(port));
                await merchant.CancelOrderAsync(orderId);

                // Nobody listens yet: the first attempt fails and the delivery stays pending.
                var pending = await Eventually.GetAsync(async () =>
                    await first.DeliveryAsync(orderId, OrderEventTypes.Canceled) is { AttemptCount: >= 1 } d ? d : null);
                Assert.Equal(CallbackDeliveryStatus.Pending, pending.Status);
                Assert.NotNull(pending.Attempts[0].Error);
            }

            await using var receiver = await CallbackReceiver.StartAsync(port);
            await using (var second = new CheckoutApp(databasePath, settings))
            {
                _ = second.BaseAddress; // start it: nothing else happens in this instance but its dispatcher

                var callback = Assert.Single(await receiver.WaitForAsync(1));
                var delivered = await second.DeliveryInStatusAsync(orderId, OrderEventTypes.Canceled, CallbackDeliveryStatus.Succeeded);
                Assert.True(delivered.AttemptCount >= 2);
                Assert.Equal(delivered.AttemptCount.ToString(), callback.Header("Checkout-Delivery-Attempt"));
                Assert.Equal(200, delivered.Attempts.MaxBy(a => a.Number)!.StatusCode);
            }
        }
        finally
        {
            CheckoutApp.DeleteDatabase(databasePath);
        }
    }

    [Fact]
    public async Task DeliveryLeasedByACrashedDispatcher_IsRetakenWhenTheLeaseRunsOut()
    {
        var app = new CheckoutApp(settings: CallbackAppFixture.Settings(["00:00:00.2"]));
        try
        {
            await using var receiver = await CallbackReceiver.StartAsync();
            var clock = app.Services.GetRequiredService<TimeProvider>();
            string deliveryId;
            DateTimeOffset? leasedUntil;
            await using (var scope = app.Services.CreateAsyncScope())
            {
                // A delivery some other instance leased and then died holding; written in one commit.
                var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
                await using var transaction = await db.Database.BeginTransactionAsync();
                var now = clock.GetUtcNow();
                var callbackEvent = CallbackEvent.Create("demo_merchant", OrderEventTypes.Canceled, new { id = "ord_crashed" }, now);
                var delivery = CallbackDelivery.Create(callbackEvent, receiver.Url, now);
                leasedUntil = LeaseExpiry.After(now, TimeSpan.FromSeconds(1.5));
                delivery.Lease(leasedUntil.Value);
                db.AddRange(callbackEvent, delivery);
                await db.SaveChangesAsync();
                await transaction.CommitAsync();
                deliveryId = delivery.Id;
            }

            var callback = Assert.Single(await receiver.WaitForAsync(1));

            Assert.True(clock.GetUtcNow() >= leasedUntil, "sent while another instance still held the lease");
            Assert.Equal("1", callback.Header("Checkout-Delivery-Attempt"));
            await Eventually.TrueAsync(async () =>
            {
                await using var scope = app.Services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
                return await db.CallbackDeliveries.AnyAsync(d => d.Id == deliveryId && d.Status == CallbackDeliveryStatus.Succeeded);
            });
        }
        finally
        {
            await app.DisposeAsync();
            CheckoutApp.DeleteDatabase(app.DatabasePath);
        }
    }

    [Fact]
    public async Task TwoInstancesOnOneDatabase_SendEachCallbackOnce()
    {
        var databasePath = Path.Combine(Path.GetTempPath(), $"checkout-it-{Guid.NewGuid():N}.db");
        // Both poll constantly so they race for every row; only the lease decides who sends.
        var settings = CallbackAppFixture.Settings(["00:00:00.2"], pollInterval: "00:00:00.02");
        var first = new CheckoutApp(databasePath, settings);
        var second = new CheckoutApp(databasePath, settings);
        try
        {
            await using var receiver = await CallbackReceiver.StartAsync();
            var merchant = await first.MerchantAsync();
            _ = second.BaseAddress;
            var orderIds = new List<string>();
            for (var i = 0; i < 12; i++) orderIds.Add(await merchant.CreateOrderWithCallbackAsync(receiver.Url));

            await Task.WhenAll(orderIds.Select(merchant.CancelOrderAsync));

            foreach (var orderId in orderIds)
                await first.DeliveryInStatusAsync(orderId, OrderEventTypes.Canceled, CallbackDeliveryStatus.Succeeded);
            var received = receiver.Received;
            Assert.Equal(12, received.Count);
            Assert.Equal(12, received.Select(r => r.Header("Checkout-Event-Id")).Distinct().Count());
            Assert.All(received, r => Assert.Equal("1", r.Header("Checkout-Delivery-Attempt")));
        }
        finally
        {
            await first.DisposeAsync();
            await second.DisposeAsync();
            CheckoutApp.DeleteDatabase(databasePath);
        }
    }
}
