using System.Net;
using System.Text.Json.Nodes;
using Checkout.Core.Orders;
using Checkout.Core.Payments.Sandbox;
using Checkout.IntegrationTests.Infrastructure;
using static Checkout.IntegrationTests.Payments.PaymentsApi;

namespace Checkout.IntegrationTests.Payments;

/// <summary>Server-side confirmation (POST /api/v1/orders/{id}/confirm) with every sandbox test card.</summary>
[Collection(PaymentsCollection.Name)]
public sealed class ConfirmTests(PaymentsAppFixture fixture)
{
    private CheckoutApp App => fixture.App;

    /// <summary>Cards whose outcome is known at once: status, last_payment_error code and decline_code, attempt outcome, events.</summary>
    public static TheoryData<string, string, string?, string?, string, string[]> ImmediateOutcomes() => new()
    {
        { "pm_card_visa", "succeeded", null, null, "succeeded", [OrderEventTypes.Succeeded] },
        { "pm_card_declined", "created", "card_declined", "card_declined", "declined", [OrderEventTypes.PaymentFailed] },
        { "pm_card_insufficient_funds", "created", "card_declined", "insufficient_funds", "declined", [OrderEventTypes.PaymentFailed] },
        { "pm_card_expired", "created", "expired_card", "expired_card", "declined", [OrderEventTypes.PaymentFailed] },
        { "pm_card_incorrect_cvc", "created", "incorrect_cvc", "incorrect_cvc", "declined", [OrderEventTypes.PaymentFailed] },
        { "pm_card_fraudulent", "failed", "card_declined", "fraudulent", "blocked", [OrderEventTypes.PaymentFailed, OrderEventTypes.Failed] },
        { "pm_card_refund_fails", "succeeded", null, null, "succeeded", [OrderEventTypes.Succeeded] },
    };

    [Theory]
    [MemberData(nameof(ImmediateOutcomes))]
    public async Task Confirm_WithATestCard_GivesTheDesignOutcome(
        string token, string status, string? code, string? declineCode, string attemptOutcome, string[] events)
    {
        var merchant = await fixture.MerchantAsync();
        var id = await merchant.CreateOrderIdAsync(amount: 2500);
        var number = TestCards.FindByToken(token)!.Number;

        var order = await merchant.ConfirmOkAsync(id, token);

        Assert.Equal(status, order.Status());
        Assert.Equal(status == "succeeded" ? 2500 : 0, order.AmountCaptured());
        Assert.Equal("card", order["payment_method"]!.GetValue<string>());
        Assert.Equal("visa", order["card"]!["brand"]!.GetValue<string>());
        Assert.Equal(number[^4..], order["card"]!["last4"]!.GetValue<string>());
        if (code is null)
        {
            Assert.Null(order["last_payment_error"]);
        }
        else
        {
            var error = order["last_payment_error"]!;
            Assert.Equal(code, error["code"]!.GetValue<string>());
            Assert.Equal(declineCode, error["decline_code"]!.GetValue<string>());
            Assert.False(string.IsNullOrWhiteSpace(error["message"]!.GetValue<string>()));
        }

        // The same on GET, with the attempt listed and no card number anywhere.
        using var response = await merchant.Http.GetAsync($"/api/v1/orders/{id}");
        var raw = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain(number, raw);
        var read = JsonNode.Parse(raw)!.AsObject();
        Assert.Equal(status, read.Status());
        var attempt = Assert.Single(read["attempts"]!.AsArray())!;
        Assert.Equal(1, attempt["number"]!.GetValue<int>());
        Assert.Equal(attemptOutcome, attempt["outcome"]!.GetValue<string>());
        Assert.Equal(declineCode, attempt["decline_code"]?.GetValue<string>());
        Assert.Equal("card", attempt["payment_method"]!.GetValue<string>());
        Assert.Equal(number[^4..], attempt["card_last4"]!.GetValue<string>());

        Assert.Equal(Sorted(events), await App.EventTypesAsync(id));
    }

    [Fact]
    public async Task Decline_LeavesTheOrderOpen_SoARetryWithAnotherCardSucceeds()
    {
        var merchant = await fixture.MerchantAsync();
        var id = await merchant.CreateOrderIdAsync();

        Assert.Equal("created", (await merchant.ConfirmOkAsync(id, "pm_card_insufficient_funds")).Status());
        var order = await merchant.ConfirmOkAsync(id, "pm_card_visa");

        Assert.Equal("succeeded", order.Status());
        Assert.Null(order["last_payment_error"]);
        Assert.Equal("4242", order["card"]!["last4"]!.GetValue<string>());
        var attempts = order["attempts"]!.AsArray();
        Assert.Equal(["declined", "succeeded"], attempts.Select(a => a!["outcome"]!.GetValue<string>()));
        Assert.Equal(["insufficient_funds", null], attempts.Select(a => a!["decline_code"]?.GetValue<string>()));
        Assert.Equal(Sorted(OrderEventTypes.PaymentFailed, OrderEventTypes.Succeeded), await App.EventTypesAsync(id));
    }

    [Fact]
    public async Task ThreeDSecureCard_RequiresAction_WithARedirectToTheChallenge_ThenCompletes()
    {
        var merchant = await fixture.MerchantAsync();
        var id = await merchant.CreateOrderIdAsync(amount: 2500);

        var order = await merchant.ConfirmOkAsync(id, "pm_card_3ds");

        Assert.Equal("requires_action", order.Status());
        Assert.Equal("redirect_to_url", order["next_action"]!["type"]!.GetValue<string>());
        var url = new Uri(order["next_action"]!["redirect_to_url"]!["url"]!.GetValue<string>());
        Assert.True(url.IsAbsoluteUri);
        Assert.EndsWith($"/pay/{id}/authenticate", url.AbsolutePath);
        Assert.Equal("requires_action", (await merchant.GetOrderAsync(id)).Status());
        Assert.Empty(await App.EventTypesAsync(id));

        var outcome = await App.PaymentsAsync(p => p.AuthenticateAsync(id, authenticated: true, CancellationToken.None));

        Assert.Null(outcome.Error);
        var paid = await merchant.GetOrderAsync(id);
        Assert.Equal("succeeded", paid.Status());
        Assert.Equal(2500, paid.AmountCaptured());
        Assert.Null(paid["next_action"]);
        Assert.Equal("succeeded", Assert.Single(paid["attempts"]!.AsArray())!["outcome"]!.GetValue<string>());
        Assert.Equal([OrderEventTypes.Succeeded], await App.EventTypesAsync(id));
    }

    [Fact]
    public async Task ThreeDSecureCard_FailedChallenge_LeavesTheOrderOpenWithAuthenticationFailed()
    {
        var merchant = await fixture.MerchantAsync();
        var id = await merchant.CreateOrderIdAsync();
        await merchant.ConfirmOkAsync(id, "pm_card_3ds");

        var outcome = await App.PaymentsAsync(p => p.AuthenticateAsync(id, authenticated: false, CancellationToken.None));

        Assert.Equal("authentication_failed", outcome.Error?.Code);
        var order = await merchant.GetOrderAsync(id);
        Assert.Equal("created", order.Status());
        Assert.Equal("authentication_failed", order["last_payment_error"]!["decline_code"]!.GetValue<string>());
        Assert.Null(order["next_action"]);
        Assert.Equal([OrderEventTypes.PaymentFailed], await App.EventTypesAsync(id));
    }

    [Fact]
    public async Task LateSuccessCard_IsProcessing_ThenReconciledToSucceeded()
    {
        var merchant = await fixture.MerchantAsync();
        var id = await merchant.CreateOrderIdAsync(amount: 2500);

        var order = await merchant.ConfirmOkAsync(id, "pm_card_late_success");
        Assert.Equal("processing", order.Status());
        Assert.Equal(0, order.AmountCaptured());

        var settled = await merchant.OrderInStatusAsync(id, "succeeded");
        Assert.Equal(2500, settled.AmountCaptured());
        Assert.Equal("succeeded", Assert.Single(settled["attempts"]!.AsArray())!["outcome"]!.GetValue<string>());
        Assert.Equal([OrderEventTypes.Succeeded], await App.EventTypesAsync(id));
    }

    [Fact]
    public async Task LateFailureCard_IsProcessing_ThenReconciledToFailed()
    {
        var merchant = await fixture.MerchantAsync();
        var id = await merchant.CreateOrderIdAsync();

        Assert.Equal("processing", (await merchant.ConfirmOkAsync(id, "pm_card_late_failure")).Status());

        var settled = await merchant.OrderInStatusAsync(id, "failed");
        Assert.Equal("card_declined", settled["last_payment_error"]!["decline_code"]!.GetValue<string>());
        Assert.Equal(0, settled.AmountCaptured());
        Assert.Equal(Sorted(OrderEventTypes.PaymentFailed, OrderEventTypes.Failed), await App.EventTypesAsync(id));
    }

    [Fact]
    public async Task DisputeCard_Succeeds_ThenTheOrderShowsItsDispute_WithADisputeCreatedEvent()
    {
        var merchant = await fixture.MerchantAsync();
        var id = await merchant.CreateOrderIdAsync(amount: 2500);

        var order = await merchant.ConfirmOkAsync(id, "pm_card_dispute");
        Assert.Equal("succeeded", order.Status());
        Assert.Null(order["dispute"]); // scheduled, not reported yet

        var disputed = await Eventually.GetAsync(async () => await merchant.GetOrderAsync(id) is { } o && o["dispute"] is not null ? o : null,
            what: "the dispute to open");
        var dispute = disputed["dispute"]!;
        Assert.StartsWith("dp_", dispute["id"]!.GetValue<string>());
        Assert.Equal("dispute", dispute["object"]!.GetValue<string>());
        Assert.Equal(id, dispute["order_id"]!.GetValue<string>());
        Assert.Equal(2500, dispute["amount"]!.GetValue<long>());
        Assert.Equal("needs_response", dispute["status"]!.GetValue<string>());
        Assert.Equal("succeeded", disputed.Status());
        Assert.Equal(Sorted(OrderEventTypes.DisputeCreated, OrderEventTypes.Succeeded), await App.EventTypesAsync(id));
    }

    [Fact]
    public async Task Confirm_OfAPaidOrder_IsRefusedAsAlreadyFinal()
    {
        var merchant = await fixture.MerchantAsync();
        var id = await merchant.CreateOrderIdAsync();
        await merchant.ConfirmOkAsync(id, "pm_card_visa");

        using var response = await merchant.ConfirmAsync(id, "pm_card_visa");

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "order_already_final");
        Assert.Single((await merchant.GetOrderAsync(id))["attempts"]!.AsArray());
        Assert.Equal([OrderEventTypes.Succeeded], await App.EventTypesAsync(id));
    }

    [Fact]
    public async Task Confirm_OfACanceledOrder_IsRefusedAsAlreadyFinal()
    {
        var merchant = await fixture.MerchantAsync();
        var id = await merchant.CreateOrderIdAsync();
        (await merchant.CancelAsync(id)).EnsureSuccessStatusCode();

        using var response = await merchant.ConfirmAsync(id, "pm_card_visa");

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "order_already_final");
    }

    [Fact]
    public async Task Confirm_WhileAChallengeIsOpen_IsRefusedAsNotPayable()
    {
        var merchant = await fixture.MerchantAsync();
        var id = await merchant.CreateOrderIdAsync();
        await merchant.ConfirmOkAsync(id, "pm_card_3ds");

        using var response = await merchant.ConfirmAsync(id, "pm_card_visa");

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "order_not_payable");
        Assert.Equal("requires_action", (await merchant.GetOrderAsync(id)).Status());
    }

    [Fact]
    public async Task Confirm_WithAnUnknownToken_Is400_AndChangesNothing()
    {
        var merchant = await fixture.MerchantAsync();
        var id = await merchant.CreateOrderIdAsync();

        using var response = await merchant.ConfirmAsync(id, "pm_card_unknown");

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "payment_method_invalid");
        var order = await merchant.GetOrderAsync(id);
        Assert.Equal("created", order.Status());
        Assert.Empty(order["attempts"]!.AsArray());
        Assert.Empty(await App.EventTypesAsync(id));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"payment_method":""}""")]
    [InlineData("""{"payment_method":"pm_card_visa","card_number":"4242424242424242"}""")]
    public async Task Confirm_WithoutAUsablePaymentMethod_Is400(string body)
    {
        var merchant = await fixture.MerchantAsync();
        var id = await merchant.CreateOrderIdAsync();

        using var response = await merchant.PostJsonAsync($"/api/v1/orders/{id}/confirm", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("created", (await merchant.GetOrderAsync(id)).Status());
    }

    [Fact]
    public async Task Confirm_OfAnUnknownOrder_Is404()
    {
        var merchant = await fixture.MerchantAsync();

        using var response = await merchant.ConfirmAsync("ord_doesnotexist", "pm_card_visa");

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "order_not_found");
    }
}
