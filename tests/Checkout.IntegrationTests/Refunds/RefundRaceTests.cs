using System.Net;
using System.Text.Json.Nodes;
using Checkout.IntegrationTests.Infrastructure;

namespace Checkout.IntegrationTests.Refunds;

/// <summary>Concurrent refunds of one order never return more than was captured.</summary>
[Collection(RefundsCollection.Name)]
public sealed class RefundRaceTests(RefundsAppFixture fixture)
{
    [Fact]
    public async Task FiftyParallelPartialRefunds_NeverExceedTheCapturedAmount()
    {
        var merchant = await fixture.MerchantAsync();
        var orderId = await merchant.PaidOrderAsync(1000);
        using var start = new SemaphoreSlim(0);

        // 50 × 30 = 1500 asked for, 1000 captured: 33 fit (990), the other 17 must be refused.
        var requests = Enumerable.Range(0, 50).Select(async _ =>
        {
            await start.WaitAsync();
            using var response = await merchant.RefundAsync(new { order_id = orderId, amount = 30 });
            return (response.StatusCode, Body: JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
        }).ToList();
        start.Release(50);
        var results = await Task.WhenAll(requests);

        var made = results.Where(r => r.StatusCode == HttpStatusCode.Created).Select(r => r.Body).ToList();
        var refused = results.Where(r => r.StatusCode != HttpStatusCode.Created).ToList();
        Assert.Equal(33, made.Count);
        Assert.All(refused, r => Assert.Equal((HttpStatusCode.BadRequest, "amount_too_large"), (r.StatusCode, r.Body.Str("code"))));
        Assert.Equal(17, refused.Count);

        var order = await merchant.GetOrderAsync(orderId);
        Assert.Equal(990, order.Long("amount_refunded"));
        var listed = (await merchant.ListRefundsAsync($"order_id={orderId}&limit=100"))["data"]!.AsArray();
        Assert.Equal(33, listed.Count);
        Assert.Equal(990, listed.Sum(r => r!.Long("amount")));
        Assert.Equal(990, (await fixture.App.StoredRefundsAsync(orderId)).Sum(r => r.Amount));

        // And when they settle, still nothing more than was captured.
        foreach (var refund in made) await merchant.RefundInStatusAsync(refund.Str("id"), "succeeded");
        Assert.Equal(990, (await merchant.GetOrderAsync(orderId)).Long("amount_refunded"));
    }

    [Fact]
    public async Task FiftyParallelFullRefunds_MakeExactlyOne()
    {
        var merchant = await fixture.MerchantAsync();
        var orderId = await merchant.PaidOrderAsync(777);
        using var start = new SemaphoreSlim(0);

        var requests = Enumerable.Range(0, 50).Select(async _ =>
        {
            await start.WaitAsync();
            using var response = await merchant.RefundAsync(new { order_id = orderId });
            return (response.StatusCode, Body: JsonNode.Parse(await response.Content.ReadAsStringAsync())!);
        }).ToList();
        start.Release(50);
        var results = await Task.WhenAll(requests);

        var made = Assert.Single(results, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(777, made.Body.Long("amount"));
        Assert.All(results.Where(r => r.StatusCode != HttpStatusCode.Created),
            r => Assert.Equal((HttpStatusCode.Conflict, "charge_already_refunded"), (r.StatusCode, r.Body.Str("code"))));
        Assert.Equal(777, (await merchant.GetOrderAsync(orderId)).Long("amount_refunded"));
    }
}
