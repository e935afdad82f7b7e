using Checkout.Core.Refunds;
using Checkout.IntegrationTests.Infrastructure;

namespace Checkout.IntegrationTests.Refunds;

/// <summary>The background service moves refunds through the processor's statuses.</summary>
[Collection(RefundsCollection.Name)]
public sealed class RefundProcessingTests(RefundsAppFixture fixture)
{
    [Fact]
    public async Task CardRefund_GoesPendingThenProcessingThenSucceeded_WithAnEventForEachStep()
    {
        var merchant = await fixture.MerchantAsync();
        var orderId = await merchant.PaidOrderAsync(1000);

        var refundId = (await merchant.RefundOkAsync(orderId, 400)).Str("id");
        await merchant.RefundInStatusAsync(refundId, "succeeded");

        var stored = Assert.Single(await fixture.App.StoredRefundsAsync(orderId));
        Assert.StartsWith("sbxre_", stored.ProcessorReference, StringComparison.Ordinal);
        Assert.Equal("sandbox", stored.Processor);
        // Sandbox: pending for 0.3 s, processing until 0.6 s; the service looks every 0.1 s.
        await Eventually.TrueAsync(async () => (await fixture.App.EventTypesOfAsync(refundId)).Count == 3, what: "three refund events");
        Assert.Equal([RefundEventTypes.Created, RefundEventTypes.Updated, RefundEventTypes.Updated], await fixture.App.EventTypesOfAsync(refundId));
        Assert.Equal(400, (await merchant.GetOrderAsync(orderId)).Long("amount_refunded"));
    }

    [Fact]
    public async Task RefundOfTheRefundFailingCard_Fails_WithAReason_AndGivesTheAmountBack()
    {
        var merchant = await fixture.MerchantAsync();
        var orderId = await merchant.PaidOrderAsync(1000, "pm_card_refund_fails");

        var refund = await merchant.RefundOkAsync(orderId, 600);
        Assert.Equal("pending", refund.Str("status"));
        Assert.Equal(600, (await merchant.GetOrderAsync(orderId)).Long("amount_refunded"));
        Assert.Equal("amount_too_large", (await merchant.RefundRefusedAsync(new { order_id = orderId, amount = 401 })).Code);

        var failed = await merchant.RefundInStatusAsync(refund.Str("id"), "failed");

        Assert.Contains("refused", failed.Str("failure_reason"), StringComparison.OrdinalIgnoreCase);
        var order = await merchant.GetOrderAsync(orderId);
        Assert.Equal(0, order.Long("amount_refunded"));
        Assert.Equal("failed", order["refunds"]![0]!.Str("status"));
        Assert.Equal([RefundEventTypes.Created, RefundEventTypes.Updated, RefundEventTypes.Updated, RefundEventTypes.Failed],
            await fixture.App.EventTypesOfAsync(refund.Str("id")));
        // The whole amount is refundable again.
        Assert.Equal(1000, (await merchant.RefundOkAsync(orderId)).Long("amount"));
    }
}
