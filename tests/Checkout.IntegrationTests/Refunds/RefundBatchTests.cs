using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Checkout.Core.Common;
using Checkout.IntegrationTests.Infrastructure;

namespace Checkout.IntegrationTests.Refunds;

[Collection(RefundsCollection.Name)]
public sealed class RefundBatchTests(RefundsAppFixture fixture)
{
    [Fact]
    public async Task Batch_MakesEachItemOnItsOwn_AndAnswersEveryItemInRequestOrder()
    {
        var merchant = await fixture.MerchantAsync();
        var full = await merchant.PaidOrderAsync(800);
        var partial = await merchant.PaidOrderAsync(1000);
        var unpaid = (await merchant.CreateOrderOkAsync())["id"]!.GetValue<string>();
        var run = Guid.NewGuid().ToString("N")[..8];
        var items = new object[]
        {
            new { order_id = full, idempotency_key = $"{run}-0" },
            new { order_id = partial, amount = 300, reason = "recall", idempotency_key = $"{run}-1" },
            new { order_id = partial, amount = 5000, idempotency_key = $"{run}-2" },
            new { order_id = "ord_doesnotexist", amount = 100, idempotency_key = $"{run}-3" },
            new { order_id = unpaid, amount = 100, idempotency_key = $"{run}-4" },
            new { order_id = partial, amount = 0, idempotency_key = $"{run}-5" },
            new { order_id = partial, amount = 200, idempotency_key = $"{run}-6" },
        };

        var results = await BatchOkAsync(merchant, items);

        Assert.Equal(Enumerable.Range(0, items.Length), results.Select(r => r!["index"]!.GetValue<int>()));
        Assert.Equal([201, 201, 400, 404, 409, 400, 201], results.Select(r => r!["status"]!.GetValue<int>()));
        Assert.Equal([null, null, "amount_too_large", "order_not_found", "charge_not_captured", "validation_failed", null],
            results.Select(r => r!["error"]?["code"]?.GetValue<string>()));
        Assert.NotNull(results[5]!["error"]!["errors"]!["amount"]);
        Assert.Equal(800, results[0]!["refund"]!.Long("amount"));
        Assert.Equal(full, results[0]!["refund"]!.Str("order_id"));
        Assert.Equal(300, results[1]!["refund"]!.Long("amount"));
        Assert.Equal("recall", results[1]!["refund"]!.Str("reason"));
        Assert.Equal(200, results[6]!["refund"]!.Long("amount"));
        Assert.All(results.Where(r => r!["error"] is not null), r => Assert.Null(r!["refund"]));
        Assert.Equal($"{run}-3", results[3]!.Str("idempotency_key"));

        Assert.Equal(800, (await merchant.GetOrderAsync(full)).Long("amount_refunded"));
        Assert.Equal(500, (await merchant.GetOrderAsync(partial)).Long("amount_refunded"));
        Assert.Equal(0, (await merchant.GetOrderAsync(unpaid)).Long("amount_refunded"));
    }

    [Fact]
    public async Task RetriedBatch_WithItemIdempotencyKeys_CreatesNothingTwice()
    {
        var merchant = await fixture.MerchantAsync();
        var first = await merchant.PaidOrderAsync(1000);
        var second = await merchant.PaidOrderAsync(1000);
        var run = Guid.NewGuid().ToString("N")[..8];
        var items = new object[]
        {
            new { order_id = first, amount = 100, idempotency_key = $"{run}-a" },
            new { order_id = first, amount = 200, idempotency_key = $"{run}-b" },
            new { order_id = second, idempotency_key = $"{run}-c" },
            new { order_id = second, amount = 1, idempotency_key = $"{run}-d" }, // concurrent with c: either d runs first and c takes the other 999, or d is refused
        };

        var original = await BatchOkAsync(merchant, items);
        var retried = await BatchOkAsync(merchant, items);

        Assert.Equal([201, 201], original.Take(2).Select(r => r!["status"]!.GetValue<int>()));
        Assert.Equal([200, 200], retried.Take(2).Select(r => r!["status"]!.GetValue<int>()));
        for (var i = 0; i < items.Length; i++)
        {
            if (original[i]!["refund"] is { } made)
            {
                Assert.Equal(200, retried[i]!["status"]!.GetValue<int>());
                Assert.Equal(made.Str("id"), retried[i]!["refund"]!.Str("id"));
            }
        }
        Assert.Equal(2, (await fixture.App.StoredRefundsAsync(first)).Count);
        Assert.Equal(original.Count(r => r!["refund"] is not null) - 2, (await fixture.App.StoredRefundsAsync(second)).Count);
        Assert.Equal(300, (await merchant.GetOrderAsync(first)).Long("amount_refunded"));
        Assert.Equal(1000, (await merchant.GetOrderAsync(second)).Long("amount_refunded"));
    }

    [Fact]
    public async Task BatchItem_ReusingAKeyForADifferentRefund_IsRefused_WithoutSinkingTheOthers()
    {
        var merchant = await fixture.MerchantAsync();
        var orderId = await merchant.PaidOrderAsync(1000);
        var key = "reuse-" + Guid.NewGuid().ToString("N")[..8];
        await BatchOkAsync(merchant, [new { order_id = orderId, amount = 100, idempotency_key = key }]);

        var results = await BatchOkAsync(merchant, [new { order_id = orderId, amount = 150, idempotency_key = key }, new { order_id = orderId, amount = 50 }]);

        Assert.Equal(422, results[0]!["status"]!.GetValue<int>());
        Assert.Equal("idempotency_key_reused", results[0]!["error"]!.Str("code"));
        Assert.Equal(201, results[1]!["status"]!.GetValue<int>());
        Assert.Equal(150, (await merchant.GetOrderAsync(orderId)).Long("amount_refunded"));
    }

    [Fact]
    public async Task Batch_OfAHundredItemsOnOneOrder_NeverRefundsMoreThanWasCaptured()
    {
        var merchant = await fixture.MerchantAsync();
        var orderId = await merchant.PaidOrderAsync(500);

        var results = await BatchOkAsync(merchant, Enumerable.Range(0, 100).Select(_ => (object)new { order_id = orderId, amount = 10 }).ToArray());

        Assert.Equal(50, results.Count(r => r!["status"]!.GetValue<int>() == 201));
        // 50 × 10 takes exactly the 500 captured: every other item finds nothing left.
        Assert.Equal(50, results.Count(r => r!["error"]?["code"]?.GetValue<string>() == "charge_already_refunded"));
        Assert.Equal(500, (await merchant.GetOrderAsync(orderId)).Long("amount_refunded"));
        Assert.Equal(500, (await fixture.App.StoredRefundsAsync(orderId)).Sum(r => r.Amount));
    }

    [Fact]
    public async Task Batch_WithAnIdempotencyKeyHeader_IsReplayedWholeOnRetry()
    {
        var merchant = await fixture.MerchantAsync();
        var orderId = await merchant.PaidOrderAsync(1000);
        var key = "batch-" + Guid.NewGuid().ToString("N");
        var body = Json(new { refunds = new object[] { new { order_id = orderId, amount = 100 }, new { order_id = orderId, amount = 5000 }, new { order_id = orderId, amount = 200 } } });

        using var first = await merchant.PostJsonAsync("/api/v1/refunds/batch", body, key);
        using var replay = await merchant.PostJsonAsync("/api/v1/refunds/batch", body, key);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await first.Content.ReadAsStringAsync(), await replay.Content.ReadAsStringAsync());
        var results = JsonNode.Parse(await first.Content.ReadAsStringAsync())!["data"]!.AsArray();
        Assert.Equal([201, 400, 201], results.Select(r => r!["status"]!.GetValue<int>()));
        Assert.Equal(2, (await fixture.App.StoredRefundsAsync(orderId)).Count);
        Assert.Equal(300, (await merchant.GetOrderAsync(orderId)).Long("amount_refunded"));
    }

    [Theory]
    [InlineData("""{}""")]
    [InlineData("""{"refunds":[]}""")]
    public async Task Batch_RefusesAMissingOrEmptyList(string json)
    {
        var merchant = await fixture.MerchantAsync();

        using var response = await merchant.PostJsonAsync("/api/v1/refunds/batch", json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("validation_failed", JsonNode.Parse(await response.Content.ReadAsStringAsync())!.Str("code"));
    }

    [Fact]
    public async Task Batch_RefusesMoreThanAHundredItems_AndMakesNone()
    {
        var merchant = await fixture.MerchantAsync();
        var orderId = await merchant.PaidOrderAsync(1000);

        using var response = await merchant.PostJsonAsync("/api/v1/refunds/batch",
            Json(new { refunds = Enumerable.Range(0, 101).Select(_ => new { order_id = orderId, amount = 1 }) }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!["refunds"]);
        Assert.Empty(await fixture.App.StoredRefundsAsync(orderId));
    }

    [Fact]
    public async Task Batch_RefusesTheSameIdempotencyKeyOnTwoItems()
    {
        var merchant = await fixture.MerchantAsync();
        var orderId = await merchant.PaidOrderAsync(1000);

        using var response = await merchant.PostJsonAsync("/api/v1/refunds/batch",
            Json(new { refunds = new[] { new { order_id = orderId, amount = 1, idempotency_key = "twice" }, new { order_id = orderId, amount = 2, idempotency_key = "twice" } } }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(await fixture.App.StoredRefundsAsync(orderId));
    }

    private static async Task<JsonArray> BatchOkAsync(MerchantClient merchant, object[] items)
    {
        using var response = await merchant.PostJsonAsync("/api/v1/refunds/batch", Json(new { refunds = items }));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"batch answered {(int)response.StatusCode}: {body}");
        var results = JsonNode.Parse(body)!["data"]!.AsArray();
        Assert.Equal(items.Length, results.Count);
        return results;
    }

    private static string Json(object value) => JsonSerializer.Serialize(value, CheckoutJson.Options);
}
