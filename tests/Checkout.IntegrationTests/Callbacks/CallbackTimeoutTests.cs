using Checkout.Core.Callbacks;
using Checkout.Core.Orders;
using Checkout.IntegrationTests.Infrastructure;

namespace Checkout.IntegrationTests.Callbacks;

public sealed class CallbackTimeoutTests
{
    [Fact]
    public async Task ReceiverThatAnswersTooSlowly_IsATimedOutAttemptAndRetried()
    {
        var settings = CallbackAppFixture.Settings(["00:00:00.2"]);
        settings["Checkout:Callbacks:Timeout"] = "00:00:00.3";
        var app = new CheckoutApp(settings: settings);
        try
        {
            await using var receiver = await CallbackReceiver.StartAsync(answerAfter: TimeSpan.FromSeconds(5));
            var merchant = await app.MerchantAsync();
            var orderId = await merchant.CreateOrderWithCallbackAsync(receiver.Url);

            await merchant.CancelOrderAsync(orderId);

            var delivery = await app.DeliveryInStatusAsync(orderId, OrderEventTypes.Canceled, CallbackDeliveryStatus.Failed);
            Assert.Equal(2, delivery.Attempts.Count);
            Assert.All(delivery.Attempts, a =>
            {
                Assert.Null(a.StatusCode);
                Assert.Equal("Timed out after 0.3 s without a response.", a.Error);
                Assert.InRange(a.DurationMs, 250, 4000);
            });
            Assert.Equal(2, receiver.Received.Count);
        }
        finally
        {
            await app.DisposeAsync();
            CheckoutApp.DeleteDatabase(app.DatabasePath);
        }
    }
}
