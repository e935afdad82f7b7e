using System.Text.Json.Nodes;
using Checkout.Core.Callbacks;
using Checkout.Core.Refunds;
using Checkout.IntegrationTests.Callbacks;
using Checkout.IntegrationTests.Infrastructure;

namespace Checkout.IntegrationTests.Refunds;

/// <summary>Refund events reach the order's callback_url through the outbox, signed like every callback.</summary>
[Collection(RefundsCollection.Name)]
public sealed class RefundCallbackTests(RefundsAppFixture fixture)
{
    [Fact]
    public async Task RefundEvents_AreDeliveredToTheOrdersCallbackUrl_Signed_InStatusOrder()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        var merchant = await fixture.MerchantAsync();
        var orderId = await merchant.PaidOrderAsync(1000, callbackUrl: receiver.Url);

        var refundId = (await merchant.RefundOkAsync(orderId, 250, "requested_by_customer")).Str("id");
        await merchant.RefundInStatusAsync(refundId, "succeeded");

        var events = await RefundEventsAsync(receiver, refundId, 3);
        Assert.Equal([RefundEventTypes.Created, RefundEventTypes.Updated, RefundEventTypes.Updated], events.Select(e => e.Type));
        Assert.Equal(["pending", "processing", "succeeded"], events.Select(e => e.Refund.Str("status")));
        Assert.All(events, e =>
        {
            Assert.True(CallbackSignature.Verify("whsec_demo", e.Callback.Header("Checkout-Signature"), e.Callback.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
            Assert.Equal("refund", e.Refund.Str("object"));
            Assert.Equal(orderId, e.Refund.Str("order_id"));
            Assert.Equal(250, e.Refund.Long("amount"));
            Assert.Equal("requested_by_customer", e.Refund.Str("reason"));
        });
        // Distinct event ids, for de-duplication on the merchant's side.
        Assert.Equal(3, events.Select(e => e.Callback.Header("Checkout-Event-Id")).Distinct().Count());
    }

    [Fact]
    public async Task FailedRefund_SendsRefundFailed_WithTheFailureReason()
    {
        await using var receiver = await CallbackReceiver.StartAsync();
        var merchant = await fixture.MerchantAsync();
        var orderId = await merchant.PaidOrderAsync(1000, "pm_card_refund_fails", callbackUrl: receiver.Url);

        var refundId = (await merchant.RefundOkAsync(orderId)).Str("id");

        var events = await RefundEventsAsync(receiver, refundId, 4);
        var failed = Assert.Single(events, e => e.Type == RefundEventTypes.Failed);
        Assert.True(CallbackSignature.Verify("whsec_demo", failed.Callback.Header("Checkout-Signature"), failed.Callback.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));
        Assert.Equal("failed", failed.Refund.Str("status"));
        Assert.False(string.IsNullOrWhiteSpace(failed.Refund.Str("failure_reason")));
        Assert.Equal("failed", events.Last(e => e.Type == RefundEventTypes.Updated).Refund.Str("status"));
    }

    private sealed record RefundEvent(string Type, JsonObject Refund, ReceivedCallback Callback);

    /// <summary>Waits for <paramref name="count"/> events about <paramref name="refundId"/>, in the order they were raised.</summary>
    private static async Task<List<RefundEvent>> RefundEventsAsync(CallbackReceiver receiver, string refundId, int count)
    {
        var events = await Eventually.GetAsync(() =>
        {
            var found = receiver.Received
                .Select(c => (Callback: c, Body: JsonNode.Parse(c.Body)!))
                .Where(c => c.Body["data"]!["object"]!["id"]!.GetValue<string>() == refundId)
                .Select(c => new RefundEvent(c.Body["type"]!.GetValue<string>(), c.Body["data"]!["object"]!.AsObject(), c.Callback))
                .ToList();
            return Task.FromResult(found.Count >= count ? found : null);
        }, what: $"{count} callbacks about {refundId}");
        // Deliveries may overtake each other; the event envelope's created_at orders them as raised.
        return events.OrderBy(e => JsonNode.Parse(e.Callback.Body)!["created_at"]!.GetValue<DateTimeOffset>())
            .ThenBy(e => e.Type == RefundEventTypes.Failed ? 1 : 0).ToList();
    }
}
