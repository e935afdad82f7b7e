using System.Net;
using Checkout.Core.Payments;
using Checkout.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.IntegrationTests.Refunds;

/// <summary>Each refusal answers problem+json with its stable code and changes nothing.</summary>
[Collection(RefundsCollection.Name)]
public sealed class RefundErrorTests(RefundsAppFixture fixture)
{
    [Fact]
    public async Task Refund_IsRejected_WithChargeAlreadyRefunded_WhenNothingIsLeft()
    {
        var merchant = await fixture.MerchantAsync();
        var orderId = await merchant.PaidOrderAsync(500);
        await merchant.RefundOkAsync(orderId);

        var (status, code, problem) = await merchant.RefundRefusedAsync(new { order_id = orderId });

        Assert.Equal((HttpStatusCode.Conflict, "charge_already_refunded"), (status, code));
        Assert.Equal(409, problem.Long("status"));
        Assert.Single(await fixture.App.StoredRefundsAsync(orderId));
    }

    [Fact]
    public async Task Refund_IsRejected_WithAmountTooLarge_WhenItExceedsWhatIsLeft()
    {
        var merchant = await fixture.MerchantAsync();
        var orderId = await merchant.PaidOrderAsync(1000);
        await merchant.RefundOkAsync(orderId, 600);

        var (status, code, problem) = await merchant.RefundRefusedAsync(new { order_id = orderId, amount = 401 });

        Assert.Equal((HttpStatusCode.BadRequest, "amount_too_large"), (status, code));
        Assert.Contains("400", problem.Str("detail"), StringComparison.Ordinal);
        Assert.Equal(600, (await merchant.GetOrderAsync(orderId)).Long("amount_refunded"));
        Assert.Equal(400, (await merchant.RefundOkAsync(orderId, 400)).Long("amount")); // exactly what is left still works
    }

    [Fact]
    public async Task Refund_IsRejected_WithAmountTooLarge_WhenItExceedsTheCapturedAmount()
    {
        var merchant = await fixture.MerchantAsync();
        var orderId = await merchant.PaidOrderAsync(1000);

        var (status, code, _) = await merchant.RefundRefusedAsync(new { order_id = orderId, amount = 1001 });

        Assert.Equal((HttpStatusCode.BadRequest, "amount_too_large"), (status, code));
        Assert.Empty(await fixture.App.StoredRefundsAsync(orderId));
    }

    [Fact]
    public async Task Refund_IsRejected_WithChargeNotCaptured_ForCreatedAuthorizedProcessingAndCanceledOrders()
    {
        var merchant = await fixture.MerchantAsync();
        var created = (await merchant.CreateOrderOkAsync())["id"]!.GetValue<string>();
        var authorized = await merchant.PaidOrderAsync(1000, manualCapture: true);
        var processing = await merchant.PaidOrderAsync(1000, "pm_card_late_success");
        var canceled = (await merchant.CreateOrderOkAsync())["id"]!.GetValue<string>();
        (await merchant.PostJsonAsync($"/api/v1/orders/{canceled}/cancel", "{}")).EnsureSuccessStatusCode();
        Assert.Equal("authorized", (await merchant.GetOrderAsync(authorized)).Str("status"));
        Assert.Equal("processing", (await merchant.GetOrderAsync(processing)).Str("status"));

        foreach (var orderId in new[] { created, authorized, processing, canceled })
        {
            var (status, code, _) = await merchant.RefundRefusedAsync(new { order_id = orderId, amount = 100 });
            Assert.Equal((HttpStatusCode.Conflict, "charge_not_captured"), (status, code));
            Assert.Equal(0, (await merchant.GetOrderAsync(orderId)).Long("amount_refunded"));
        }
    }

    [Fact]
    public async Task CapturedAuthorization_CanBeRefunded_UpToWhatWasCaptured()
    {
        var merchant = await fixture.MerchantAsync();
        var orderId = await merchant.PaidOrderAsync(1000, manualCapture: true);
        (await merchant.PostJsonAsync($"/api/v1/orders/{orderId}/capture", """{"amount":600}""")).EnsureSuccessStatusCode();

        var (_, code, _) = await merchant.RefundRefusedAsync(new { order_id = orderId, amount = 601 });
        var refund = await merchant.RefundOkAsync(orderId);

        Assert.Equal("amount_too_large", code);
        Assert.Equal(600, refund.Long("amount"));
    }

    [Fact]
    public async Task Refund_IsRejected_WithChargeDisputed_WhileADisputeIsOpen()
    {
        var merchant = await fixture.MerchantAsync();
        var orderId = await merchant.PaidOrderAsync(1000, "pm_card_dispute");
        await using (var scope = fixture.App.Services.CreateAsyncScope())
        {
            // The sandbox reports the dispute at once (DisputeDelay 0); open it as reconciliation would.
            await scope.ServiceProvider.GetRequiredService<OrderPayments>().OpenDueDisputeAsync(orderId, CancellationToken.None);
        }
        Assert.Equal("needs_response", (await merchant.GetOrderAsync(orderId))["dispute"]!.Str("status"));

        var (status, code, _) = await merchant.RefundRefusedAsync(new { order_id = orderId, amount = 100 });

        Assert.Equal((HttpStatusCode.Conflict, "charge_disputed"), (status, code));
        Assert.Equal(0, (await merchant.GetOrderAsync(orderId)).Long("amount_refunded"));
    }

    [Fact]
    public async Task Refund_IsRejected_WithOrderNotFound_ForAnUnknownOrder()
    {
        var merchant = await fixture.MerchantAsync();

        var (status, code, _) = await merchant.RefundRefusedAsync(new { order_id = "ord_doesnotexist", amount = 100 });

        Assert.Equal((HttpStatusCode.NotFound, "order_not_found"), (status, code));
    }

    [Fact]
    public async Task Refund_IsRejected_WithOrderNotFound_ForAnotherMerchantsOrder()
    {
        var merchant = await fixture.MerchantAsync();
        var other = await fixture.OtherMerchantAsync();
        var orderId = await merchant.PaidOrderAsync(1000);

        var (status, code, _) = await other.RefundRefusedAsync(new { order_id = orderId });

        Assert.Equal((HttpStatusCode.NotFound, "order_not_found"), (status, code));
        Assert.Empty(await fixture.App.StoredRefundsAsync(orderId));
    }
}
