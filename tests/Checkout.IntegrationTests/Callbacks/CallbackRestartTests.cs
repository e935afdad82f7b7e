using Checkout.Core.Callbacks;
using Checkout.Core.Orders;
using Checkout.IntegrationTests.Infrastructure;

namespace Checkout.IntegrationTests.Callbacks;

public sealed class CallbackRestartTests
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
}
