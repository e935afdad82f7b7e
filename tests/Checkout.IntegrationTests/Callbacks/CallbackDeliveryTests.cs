using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Checkout.Core.Callbacks;
using Checkout.Core.Orders;

namespace Checkout.IntegrationTests.Callbacks;

public sealed class CallbackDeliveryTests(CallbackAppFixture fixture) : IClassFixture<CallbackAppFixture>
{
    [Fact]
    public async Task PaidOrder_IsCalledBackAtOnce_WithASignatureThatVerifiesOverTheRawBody()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        var merchant = await fixture.MerchantAsync();
        var orderId = await merchant.CreateOrderWithCallbackAsync(receiver.Url);
        var paidAt = Stopwatch.StartNew();

        await fixture.App.PayAsync(orderId);

        var callback = Assert.Single(await receiver.WaitForAsync(1));
        // The poll interval is a minute: arriving within seconds means the commit woke the dispatcher.
        Assert.True(paidAt.Elapsed < TimeSpan.FromSeconds(15), $"took {paidAt.Elapsed}");

        var signature = callback.Header("Checkout-Signature");
        Assert.True(CallbackSignature.Verify("whsec_demo", signature, callback.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        // And as a merchant would check it, with nothing but HMAC-SHA256 over "t.body".
        var t = signature.Split(',')[0]["t=".Length..];
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes("whsec_demo"));
        Assert.Equal($"t={t},v1={Convert.ToHexStringLower(hmac.ComputeHash(Encoding.UTF8.GetBytes($"{t}.{callback.Body}")))}", signature);

        var body = JsonNode.Parse(callback.Body)!;
        Assert.Equal("event", body["object"]!.GetValue<string>());
        Assert.Equal(OrderEventTypes.Succeeded, body["type"]!.GetValue<string>());
        Assert.Equal(orderId, body["data"]!["object"]!["id"]!.GetValue<string>());
        Assert.Equal("succeeded", body["data"]!["object"]!["status"]!.GetValue<string>());
        Assert.Equal(body["id"]!.GetValue<string>(), callback.Header("Checkout-Event-Id"));
        Assert.Equal("1", callback.Header("Checkout-Delivery-Attempt"));
        Assert.Equal("Checkout-Callbacks/1.0", callback.Header("User-Agent"));
        Assert.StartsWith("application/json", callback.Header("Content-Type"));

        var delivery = await fixture.App.DeliveryInStatusAsync(orderId, OrderEventTypes.Succeeded, CallbackDeliveryStatus.Succeeded);
        var attempt = Assert.Single(delivery.Attempts);
        Assert.Equal(200, attempt.StatusCode);
        Assert.Null(attempt.Error);
    }

    [Fact]
    public async Task CanceledOrder_IsCalledBackWithOrderCanceled()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        var merchant = await fixture.MerchantAsync();
        var orderId = await merchant.CreateOrderWithCallbackAsync(receiver.Url);

        await merchant.CancelOrderAsync(orderId);

        var body = JsonNode.Parse(Assert.Single(await receiver.WaitForAsync(1)).Body)!;
        Assert.Equal(OrderEventTypes.Canceled, body["type"]!.GetValue<string>());
        Assert.Equal("canceled", body["data"]!["object"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Callback_IsRetriedAfter500s_UntilTheReceiverAnswers200()
    {
        await using var receiver = await CallbackReceiver.StartAsync(script: [500, 500]);
        var merchant = await fixture.MerchantAsync();
        var orderId = await merchant.CreateOrderWithCallbackAsync(receiver.Url);

        await fixture.App.PayAsync(orderId);

        var delivery = await fixture.App.DeliveryInStatusAsync(orderId, OrderEventTypes.Succeeded, CallbackDeliveryStatus.Succeeded);
        Assert.Equal([500, 500, 200], delivery.Attempts.OrderBy(a => a.Number).Select(a => a.StatusCode));
        Assert.Equal([1, 2, 3], delivery.Attempts.OrderBy(a => a.Number).Select(a => a.Number));

        var received = receiver.Received;
        Assert.Equal(["1", "2", "3"], received.Select(r => r.Header("Checkout-Delivery-Attempt")));
        // The same event every time: one id to de-duplicate on, one frozen body, signed afresh.
        Assert.Single(received.Select(r => r.Header("Checkout-Event-Id")).Distinct());
        Assert.Single(received.Select(r => r.Body).Distinct());
        Assert.All(received, r => Assert.True(CallbackSignature.Verify("whsec_demo", r.Header("Checkout-Signature"), r.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5))));
    }

    [Fact]
    public async Task Delivery_Fails_WhenTheRetryScheduleRunsOut()
    {
        await using var receiver = await CallbackReceiver.StartAsync(script: [500, 502, 503, 500]);
        var merchant = await fixture.MerchantAsync();
        var orderId = await merchant.CreateOrderWithCallbackAsync(receiver.Url);

        await fixture.App.PayAsync(orderId);

        var delivery = await fixture.App.DeliveryInStatusAsync(orderId, OrderEventTypes.Succeeded, CallbackDeliveryStatus.Failed);
        Assert.Equal([500, 502, 503], delivery.Attempts.OrderBy(a => a.Number).Select(a => a.StatusCode));
        Assert.Equal(3, receiver.Received.Count);
        Assert.NotNull(delivery.CompletedAt);
    }

    [Fact]
    public async Task UnreachableReceiver_IsRecordedAsAFailedAttemptWithTheNetworkError()
    {
        var merchant = await fixture.MerchantAsync();
        var orderId = await merchant.CreateOrderWithCallbackAsync(CallbackReceiver.UrlFor(CallbackReceiver.FreePort()));

        await merchant.CancelOrderAsync(orderId);

        var delivery = await fixture.App.DeliveryInStatusAsync(orderId, OrderEventTypes.Canceled, CallbackDeliveryStatus.Failed);
        Assert.Equal(3, delivery.Attempts.Count);
        Assert.All(delivery.Attempts, a =>
        {
            Assert.Null(a.StatusCode);
            Assert.Contains("refused", a.Error, StringComparison.OrdinalIgnoreCase);
        });
    }
}
