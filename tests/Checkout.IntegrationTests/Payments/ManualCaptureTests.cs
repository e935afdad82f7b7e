using System.Net;
using Checkout.Core.Orders;
using Checkout.Core.Payments;
using Checkout.IntegrationTests.Infrastructure;
using static Checkout.IntegrationTests.Payments.PaymentsApi;

namespace Checkout.IntegrationTests.Payments;

/// <summary>capture_method "manual": authorize, then capture all or part, or void.</summary>
[Collection(PaymentsCollection.Name)]
public sealed class ManualCaptureTests(PaymentsAppFixture fixture)
{
    private CheckoutApp App => fixture.App;

    private async Task<(MerchantClient Merchant, string Id)> AuthorizedOrderAsync(long amount = 2500, string card = "pm_card_visa")
    {
        var merchant = await fixture.MerchantAsync();
        var id = await merchant.CreateOrderIdAsync(amount, manual: true);
        var order = await merchant.ConfirmOkAsync(id, card);
        Assert.Equal("authorized", order.Status());
        return (merchant, id);
    }

    [Fact]
    public async Task ManualOrder_PaidWithACard_IsAuthorized_WithAnAuthorizedEvent_AndACaptureLink()
    {
        var (merchant, id) = await AuthorizedOrderAsync();

        var order = await merchant.GetOrderAsync(id);

        Assert.Equal("authorized", order.Status());
        Assert.Equal("manual", order["capture_method"]!.GetValue<string>());
        Assert.Equal(0, order.AmountCaptured());
        Assert.Equal("authorized", Assert.Single(order["attempts"]!.AsArray())!["outcome"]!.GetValue<string>());
        Assert.Contains(order["links"]!.AsArray(), l => l!["rel"]!.GetValue<string>() == "capture");
        Assert.Equal([OrderEventTypes.Authorized], await App.EventTypesAsync(id));
    }

    [Fact]
    public async Task Capture_WithoutAnAmount_TakesTheWholeAuthorization()
    {
        var (merchant, id) = await AuthorizedOrderAsync(amount: 2500);

        using var response = await merchant.CaptureAsync(id);

        var order = await response.OkJsonAsync();
        Assert.Equal("succeeded", order.Status());
        Assert.Equal(2500, order.AmountCaptured());
        Assert.Equal(2500, (await merchant.GetOrderAsync(id)).AmountCaptured());
        Assert.Equal(Sorted(OrderEventTypes.Authorized, OrderEventTypes.Succeeded), await App.EventTypesAsync(id));
    }

    [Fact]
    public async Task Capture_OfASmallerAmount_TakesOnlyThat()
    {
        var (merchant, id) = await AuthorizedOrderAsync(amount: 2500);

        using var response = await merchant.CaptureAsync(id, 1200);

        var order = await response.OkJsonAsync();
        Assert.Equal("succeeded", order.Status());
        Assert.Equal(1200, order.AmountCaptured());
        Assert.Equal(2500, order["amount"]!.GetValue<long>());
        Assert.Equal(1200, (await merchant.GetOrderAsync(id)).AmountCaptured());
    }

    [Theory]
    [InlineData(2501)]
    [InlineData(0)]
    [InlineData(-5)]
    public async Task Capture_OutsideTheAuthorizedAmount_Is400_AndTheAuthorizationStays(long amount)
    {
        var (merchant, id) = await AuthorizedOrderAsync(amount: 2500);

        using var response = await merchant.CaptureAsync(id, amount);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "invalid_capture_amount");
        var order = await merchant.GetOrderAsync(id);
        Assert.Equal("authorized", order.Status());
        Assert.Equal(0, order.AmountCaptured());
        Assert.Equal([OrderEventTypes.Authorized], await App.EventTypesAsync(id));
    }

    [Fact]
    public async Task Capture_OfAnOrderNotYetPaid_Is409NotCapturable()
    {
        var merchant = await fixture.MerchantAsync();
        var id = await merchant.CreateOrderIdAsync(manual: true);

        using var response = await merchant.CaptureAsync(id);

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "order_not_capturable");
    }

    [Fact]
    public async Task Capture_OfAnAutomaticallyCapturedOrder_Is409NotCapturable()
    {
        var merchant = await fixture.MerchantAsync();
        var id = await merchant.CreateOrderIdAsync();
        await merchant.ConfirmOkAsync(id, "pm_card_visa");

        using var response = await merchant.CaptureAsync(id);

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "order_not_capturable");
    }

    [Fact]
    public async Task Capture_Twice_TakesTheMoneyOnce()
    {
        var (merchant, id) = await AuthorizedOrderAsync(amount: 2500);
        (await merchant.CaptureAsync(id, 1000)).EnsureSuccessStatusCode();

        using var response = await merchant.CaptureAsync(id, 1000);

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "order_not_capturable");
        Assert.Equal(1000, (await merchant.GetOrderAsync(id)).AmountCaptured());
    }

    [Fact]
    public async Task Cancel_OfAnAuthorization_VoidsIt()
    {
        var (merchant, id) = await AuthorizedOrderAsync();

        using var response = await merchant.CancelAsync(id);

        Assert.Equal("canceled", (await response.OkJsonAsync()).Status());
        Assert.Equal(0, (await merchant.GetOrderAsync(id)).AmountCaptured());
        Assert.Equal(Sorted(OrderEventTypes.Authorized, OrderEventTypes.Canceled), await App.EventTypesAsync(id));
        using var capture = await merchant.CaptureAsync(id);
        await capture.AssertProblemAsync(HttpStatusCode.Conflict, "order_not_capturable");
    }

    [Fact]
    public async Task ThreeDSecure_UnderManualCapture_EndsAuthorized()
    {
        var merchant = await fixture.MerchantAsync();
        var id = await merchant.CreateOrderIdAsync(manual: true);
        Assert.Equal("requires_action", (await merchant.ConfirmOkAsync(id, "pm_card_3ds")).Status());

        await App.PaymentsAsync(p => p.AuthenticateAsync(id, authenticated: true, CancellationToken.None));

        Assert.Equal("authorized", (await merchant.GetOrderAsync(id)).Status());
        Assert.Equal([OrderEventTypes.Authorized], await App.EventTypesAsync(id));
    }

    [Fact]
    public async Task LateAuthorization_UnderManualCapture_IsReconciledToAuthorized()
    {
        var merchant = await fixture.MerchantAsync();
        var id = await merchant.CreateOrderIdAsync(manual: true);
        Assert.Equal("processing", (await merchant.ConfirmOkAsync(id, "pm_card_late_success")).Status());

        await merchant.OrderInStatusAsync(id, "authorized");

        Assert.Equal([OrderEventTypes.Authorized], await App.EventTypesAsync(id));
        using var capture = await merchant.CaptureAsync(id);
        Assert.Equal("succeeded", (await capture.OkJsonAsync()).Status());
    }

    [Fact]
    public async Task DisputeCard_CapturedLater_StillOpensItsDispute()
    {
        var (merchant, id) = await AuthorizedOrderAsync(amount: 2500, card: "pm_card_dispute");

        (await merchant.CaptureAsync(id, 2000)).EnsureSuccessStatusCode();

        var disputed = await Eventually.GetAsync(async () => await merchant.GetOrderAsync(id) is { } o && o["dispute"] is not null ? o : null,
            what: "the dispute to open");
        Assert.Equal(2000, disputed["dispute"]!["amount"]!.GetValue<long>());
        Assert.Equal(Sorted(OrderEventTypes.Authorized, OrderEventTypes.Succeeded, OrderEventTypes.DisputeCreated), await App.EventTypesAsync(id));
    }

    [Fact]
    public async Task Wallet_UnderManualCapture_HoldsTheAmount_AndAPartialCaptureReleasesTheRest()
    {
        var merchant = await fixture.MerchantAsync();
        var shopperId = await App.SandboxShopperIdAsync();
        var id = await merchant.CreateOrderIdAsync(amount: 5000, manual: true);
        var before = await App.WalletBalanceAsync(shopperId);

        var outcome = await App.PaymentsAsync(p => p.ConfirmAsync(id, null, new PaymentChoice.Wallet(shopperId), CancellationToken.None));

        Assert.Null(outcome.Error);
        Assert.Equal(OrderStatus.Authorized, outcome.Order.Status);
        Assert.Equal(before - 5000, await App.WalletBalanceAsync(shopperId));

        using var response = await merchant.CaptureAsync(id, 3000);

        var order = await response.OkJsonAsync();
        Assert.Equal("succeeded", order.Status());
        Assert.Equal(3000, order.AmountCaptured());
        Assert.Equal("wallet", order["payment_method"]!.GetValue<string>());
        Assert.Equal(before - 3000, await App.WalletBalanceAsync(shopperId));
    }

    [Fact]
    public async Task Wallet_UnderManualCapture_CanceledAuthorization_GivesTheWholeHoldBack()
    {
        var merchant = await fixture.MerchantAsync();
        var shopperId = await App.SandboxShopperIdAsync();
        var id = await merchant.CreateOrderIdAsync(amount: 4000, manual: true);
        var before = await App.WalletBalanceAsync(shopperId);
        await App.PaymentsAsync(p => p.ConfirmAsync(id, null, new PaymentChoice.Wallet(shopperId), CancellationToken.None));
        Assert.Equal(before - 4000, await App.WalletBalanceAsync(shopperId));

        (await merchant.CancelAsync(id)).EnsureSuccessStatusCode();

        Assert.Equal(before, await App.WalletBalanceAsync(shopperId));
        Assert.Equal("canceled", (await merchant.GetOrderAsync(id)).Status());
    }
}
