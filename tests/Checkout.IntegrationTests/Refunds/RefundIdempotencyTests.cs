using System.Net;
using System.Text.Json.Nodes;
using Checkout.IntegrationTests.Infrastructure;

namespace Checkout.IntegrationTests.Refunds;

/// <summary>Idempotency-Key on POST /refunds: a retried request moves money once.</summary>
[Collection(RefundsCollection.Name)]
public sealed class RefundIdempotencyTests(RefundsAppFixture fixture)
{
    [Fact]
    public async Task RetriedRefund_WithTheSameKey_ReturnsTheFirstRefund_AndRefundsOnce()
    {
        var merchant = await fixture.MerchantAsync();
        var orderId = await merchant.PaidOrderAsync(1000);
        var key = "refund-" + Guid.NewGuid().ToString("N");

        using var first = await merchant.RefundAsync(new { order_id = orderId, amount = 300 }, key);
        using var replay = await merchant.RefundAsync(new { order_id = orderId, amount = 300 }, key);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(first.Headers.Location, replay.Headers.Location);
        var firstBody = await first.Content.ReadAsStringAsync();
        Assert.Equal(firstBody, await replay.Content.ReadAsStringAsync());
        Assert.Equal(JsonNode.Parse(firstBody)!.Str("id"), Assert.Single(await fixture.App.StoredRefundsAsync(orderId)).Id);
        Assert.Equal(300, (await merchant.GetOrderAsync(orderId)).Long("amount_refunded"));
    }

    [Fact]
    public async Task ConcurrentRetries_WithTheSameKey_RefundOnce()
    {
        var merchant = await fixture.MerchantAsync();
        var orderId = await merchant.PaidOrderAsync(1000);
        var key = "refund-" + Guid.NewGuid().ToString("N");

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(async _ =>
        {
            using var response = await merchant.RefundAsync(new { order_id = orderId, amount = 300 }, key);
            return response.StatusCode;
        }));

        Assert.All(responses, s => Assert.Contains(s, new[] { HttpStatusCode.Created, HttpStatusCode.Conflict }));
        Assert.Single(await fixture.App.StoredRefundsAsync(orderId));
        Assert.Equal(300, (await merchant.GetOrderAsync(orderId)).Long("amount_refunded"));
    }

    [Fact]
    public async Task SameKey_WithADifferentAmount_IsRefused_AndRefundsNothingMore()
    {
        var merchant = await fixture.MerchantAsync();
        var orderId = await merchant.PaidOrderAsync(1000);
        var key = "refund-" + Guid.NewGuid().ToString("N");
        (await merchant.RefundAsync(new { order_id = orderId, amount = 300 }, key)).Dispose();

        using var reused = await merchant.RefundAsync(new { order_id = orderId, amount = 400 }, key);

        Assert.Equal((HttpStatusCode)422, reused.StatusCode);
        Assert.Equal("idempotency_key_reused", JsonNode.Parse(await reused.Content.ReadAsStringAsync())!.Str("code"));
        Assert.Equal(300, (await merchant.GetOrderAsync(orderId)).Long("amount_refunded"));
    }

    [Fact]
    public async Task RefusedRefund_IsReplayedAsTheSameRefusal()
    {
        var merchant = await fixture.MerchantAsync();
        var orderId = await merchant.PaidOrderAsync(1000);
        var key = "refund-" + Guid.NewGuid().ToString("N");

        using var first = await merchant.RefundAsync(new { order_id = orderId, amount = 5000 }, key);
        using var replay = await merchant.RefundAsync(new { order_id = orderId, amount = 5000 }, key);

        Assert.Equal(HttpStatusCode.BadRequest, first.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal("amount_too_large", JsonNode.Parse(await replay.Content.ReadAsStringAsync())!.Str("code"));
        Assert.Empty(await fixture.App.StoredRefundsAsync(orderId));
    }
}
