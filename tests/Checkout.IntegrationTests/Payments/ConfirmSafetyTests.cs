using System.Net;
using System.Text.Json.Nodes;
using Checkout.Core.Orders;
using Checkout.IntegrationTests.Callbacks;
using Checkout.IntegrationTests.Infrastructure;
using static Checkout.IntegrationTests.Payments.PaymentsApi;

namespace Checkout.IntegrationTests.Payments;

/// <summary>Confirm charges once: under an Idempotency-Key replay, under concurrent requests, and up to MaxAttempts.</summary>
[Collection(PaymentsCollection.Name)]
public sealed class ConfirmSafetyTests(PaymentsAppFixture fixture)
{
    private CheckoutApp App => fixture.App;

    [Theory]
    [InlineData("pm_card_visa", "succeeded")]
    [InlineData("pm_card_declined", "created")]
    public async Task Replay_UnderAnIdempotencyKey_ReturnsTheSameBody_AndChargesOnce(string token, string status)
    {
        var merchant = await fixture.MerchantAsync();
        var id = await merchant.CreateOrderIdAsync();
        var key = Guid.NewGuid().ToString("N");

        using var first = await merchant.ConfirmAsync(id, token, key);
        using var replay = await merchant.ConfirmAsync(id, token, key);

        var body = await first.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal(body, await replay.Content.ReadAsStringAsync());
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(status, JsonNode.Parse(body)!.AsObject().Status());
        Assert.Single((await merchant.GetOrderAsync(id))["attempts"]!.AsArray());
        Assert.Single(await App.EventTypesAsync(id));
    }

    [Fact]
    public async Task SameKey_WithAnotherCard_IsRefused_AndChargesNothingMore()
    {
        var merchant = await fixture.MerchantAsync();
        var id = await merchant.CreateOrderIdAsync();
        var key = Guid.NewGuid().ToString("N");
        using var first = await merchant.ConfirmAsync(id, "pm_card_declined", key);

        using var reused = await merchant.ConfirmAsync(id, "pm_card_visa", key);

        await reused.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        var order = await merchant.GetOrderAsync(id);
        Assert.Equal("created", order.Status());
        Assert.Single(order["attempts"]!.AsArray());
    }

    [Fact]
    public async Task ConcurrentConfirms_OfOneOrder_ChargeItOnce()
    {
        var merchant = await fixture.MerchantAsync();
        var id = await merchant.CreateOrderIdAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => merchant.ConfirmAsync(id, "pm_card_visa")));

        try
        {
            Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
            foreach (var refused in responses.Where(r => r.StatusCode != HttpStatusCode.OK))
                await refused.AssertProblemAsync(HttpStatusCode.Conflict, "order_already_final");
            await AssertPaidOnceAsync(merchant, id);
        }
        finally
        {
            foreach (var response in responses) response.Dispose();
        }
    }

    [Fact]
    public async Task ConcurrentConfirms_UnderOneKey_ChargeOnce_AndAllAnswerWithTheFirstResponse()
    {
        var merchant = await fixture.MerchantAsync();
        var id = await merchant.CreateOrderIdAsync();
        var key = Guid.NewGuid().ToString("N");

        // Sent together, most pass the look-up before any has committed; the losers' runs are undone and replay the winner's.
        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => merchant.ConfirmAsync(id, "pm_card_visa", key)));

        try
        {
            Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
            var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));
            Assert.Single(bodies.Distinct());
            Assert.Single(responses, r => !r.Headers.Contains("Idempotent-Replayed"));
            await AssertPaidOnceAsync(merchant, id);
        }
        finally
        {
            foreach (var response in responses) response.Dispose();
        }
    }

    private async Task AssertPaidOnceAsync(MerchantClient merchant, string id)
    {
        var order = await merchant.GetOrderAsync(id);
        Assert.Equal("succeeded", order.Status());
        Assert.Single(order["attempts"]!.AsArray());
        Assert.Equal([OrderEventTypes.Succeeded], await App.EventTypesAsync(id));
    }
}

/// <summary>An app where the second declined attempt fails the order.</summary>
public sealed class MaxAttemptsTests
{
    [Fact]
    public async Task Order_FailsAfterMaxAttemptsDeclines_AndRefusesFurtherConfirms()
    {
        var settings = PaymentsAppFixture.FastSandbox();
        settings["Checkout:Payments:MaxAttempts"] = "2";
        await using var app = new CheckoutApp(settings: settings);
        try
        {
            var merchant = await app.MerchantAsync();
            var id = await merchant.CreateOrderIdAsync();

            var first = await merchant.ConfirmOkAsync(id, "pm_card_declined");
            Assert.Equal("created", first.Status());
            var second = await merchant.ConfirmOkAsync(id, "pm_card_insufficient_funds");

            Assert.Equal("failed", second.Status());
            Assert.Equal("insufficient_funds", second["last_payment_error"]!["decline_code"]!.GetValue<string>());
            Assert.Equal(["declined", "declined"], second["attempts"]!.AsArray().Select(a => a!["outcome"]!.GetValue<string>()));
            Assert.Equal(Sorted(OrderEventTypes.PaymentFailed, OrderEventTypes.PaymentFailed, OrderEventTypes.Failed), await app.EventTypesAsync(id));

            using var third = await merchant.ConfirmAsync(id, "pm_card_visa");
            await third.AssertProblemAsync(HttpStatusCode.Conflict, "order_already_final");
            Assert.Equal(2, (await merchant.GetOrderAsync(id))["attempts"]!.AsArray().Count);
        }
        finally
        {
            CheckoutApp.DeleteDatabase(app.DatabasePath);
        }
    }
}
