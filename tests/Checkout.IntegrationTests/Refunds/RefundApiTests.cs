using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Checkout.Core.Data;
using Checkout.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.IntegrationTests.Refunds;

[Collection(RefundsCollection.Name)]
public sealed class RefundApiTests(RefundsAppFixture fixture)
{
    [Fact]
    public async Task FullRefund_WithoutAnAmount_RefundsEverythingCaptured_AndSettlesToSucceeded()
    {
        var merchant = await fixture.MerchantAsync();
        var orderId = await merchant.PaidOrderAsync(1999);

        using var response = await merchant.RefundAsync(new { order_id = orderId, reason = "requested_by_customer", metadata = new Dictionary<string, string> { ["ticket"] = "T-1" } });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var refund = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var id = refund.Str("id");
        Assert.StartsWith("re_", id, StringComparison.Ordinal);
        Assert.Equal($"/api/v1/refunds/{id}", response.Headers.Location?.OriginalString);
        Assert.Equal("refund", refund.Str("object"));
        Assert.Equal(orderId, refund.Str("order_id"));
        Assert.Equal(1999, refund.Long("amount"));
        Assert.Equal("EUR", refund.Str("currency"));
        Assert.Equal("pending", refund.Str("status"));
        Assert.Equal("requested_by_customer", refund.Str("reason"));
        Assert.Null(refund["failure_reason"]);
        Assert.Equal("T-1", refund["metadata"]!["ticket"]!.GetValue<string>());
        Assert.NotNull(refund["created_at"]);
        Assert.Equal(
            ["amount", "created_at", "currency", "failure_reason", "id", "metadata", "object", "order_id", "reason", "status"],
            refund.Select(p => p.Key).Order(StringComparer.Ordinal));

        var order = await merchant.GetOrderAsync(orderId);
        Assert.Equal(1999, order.Long("amount_refunded"));
        Assert.Equal(id, Assert.Single(order["refunds"]!.AsArray())!.Str("id"));

        var settled = await merchant.RefundInStatusAsync(id, "succeeded");
        Assert.Equal(1999, settled.Long("amount"));
        Assert.Equal("succeeded", (await merchant.GetOrderAsync(orderId))["refunds"]![0]!.Str("status"));
        Assert.Equal(1999, (await merchant.GetOrderAsync(orderId)).Long("amount_refunded"));
    }

    [Fact]
    public async Task PartialRefund_RefundsTheAmountAsked_AndLeavesTheRest()
    {
        var merchant = await fixture.MerchantAsync();
        var orderId = await merchant.PaidOrderAsync(1000);

        var refund = await merchant.RefundOkAsync(orderId, 250);

        Assert.Equal(250, refund.Long("amount"));
        var order = await merchant.GetOrderAsync(orderId);
        Assert.Equal(1000, order.Long("amount_captured"));
        Assert.Equal(250, order.Long("amount_refunded"));
        Assert.Equal("succeeded", order.Str("status"));
    }

    [Fact]
    public async Task SeveralPartialRefunds_AddUpToTheTotal_ThenTheOrderIsFullyRefunded()
    {
        var merchant = await fixture.MerchantAsync();
        var orderId = await merchant.PaidOrderAsync(1000);

        var first = await merchant.RefundOkAsync(orderId, 100);
        var second = await merchant.RefundOkAsync(orderId, 400);
        var rest = await merchant.RefundOkAsync(orderId); // no amount: what is left

        Assert.Equal(500, rest.Long("amount"));
        var (status, code, _) = await merchant.RefundRefusedAsync(new { order_id = orderId, amount = 1 });
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("charge_already_refunded", code);

        var order = await merchant.GetOrderAsync(orderId);
        Assert.Equal(1000, order.Long("amount_refunded"));
        // Newest first, like every list.
        Assert.Equal([rest.Str("id"), second.Str("id"), first.Str("id")], order["refunds"]!.AsArray().Select(r => r!.Str("id")));
        foreach (var id in new[] { first, second, rest }.Select(r => r.Str("id"))) await merchant.RefundInStatusAsync(id, "succeeded");
    }

    [Fact]
    public async Task WalletPayment_IsRefundedToTheShoppersBalance()
    {
        var merchant = await fixture.MerchantAsync();
        var orderId = (await merchant.CreateOrderOkAsync(Infrastructure.Orders.Valid(700)))["id"]!.GetValue<string>();
        await Callbacks.CallbackAppExtensions.PayAsync(fixture.App, orderId);
        var before = await WalletEurAsync();

        var refund = await merchant.RefundOkAsync(orderId, 300);
        await merchant.RefundInStatusAsync(refund.Str("id"), "succeeded");

        Assert.Equal(before + 300, await WalletEurAsync());
        Assert.Equal(300, (await merchant.GetOrderAsync(orderId)).Long("amount_refunded"));
    }

    [Fact]
    public async Task Refund_IsReadById_AndListedByOrder_NewestFirst_WithPaging()
    {
        var merchant = await fixture.MerchantAsync();
        var orderId = await merchant.PaidOrderAsync(1000);
        var otherOrderId = await merchant.PaidOrderAsync(1000);
        var made = new List<string>();
        for (var i = 0; i < 5; i++) made.Add((await merchant.RefundOkAsync(orderId, 10 + i)).Str("id"));
        await merchant.RefundOkAsync(otherOrderId, 5);
        made.Reverse();

        var fetched = await merchant.GetRefundAsync(made[0]);
        Assert.Equal(14, fetched.Long("amount"));
        Assert.Equal(orderId, fetched.Str("order_id"));

        var first = await merchant.ListRefundsAsync($"order_id={orderId}&limit=2");
        Assert.True(first["has_more"]!.GetValue<bool>());
        var second = await merchant.ListRefundsAsync($"order_id={orderId}&limit=2&starting_after={Ids(first)[^1]}");
        var third = await merchant.ListRefundsAsync($"order_id={orderId}&limit=2&starting_after={Ids(second)[^1]}");
        Assert.False(third["has_more"]!.GetValue<bool>());
        Assert.Equal(made, [.. Ids(first), .. Ids(second), .. Ids(third)]);

        var all = await merchant.ListRefundsAsync($"order_id={orderId}&limit=100");
        Assert.Equal(made, Ids(all));
        Assert.False(all["has_more"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("status=done", "status")]
    public async Task List_RefusesBadParameters(string query, string field)
    {
        var merchant = await fixture.MerchantAsync();

        using var response = await merchant.Http.GetAsync($"/api/v1/refunds?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("validation_failed", problem.Str("code"));
        Assert.NotNull(problem["errors"]![field]);
    }

    [Fact]
    public async Task List_RefusesACursorThatIsNotTheMerchantsRefund()
    {
        var merchant = await fixture.MerchantAsync();

        using var response = await merchant.Http.GetAsync("/api/v1/refunds?starting_after=re_nope");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_cursor", (await response.Content.ReadFromJsonAsync<JsonObject>())!.Str("code"));
    }

    [Fact]
    public async Task AnotherMerchant_NeitherSeesNorListsNorRefunds_TheMerchantsRefunds()
    {
        var merchant = await fixture.MerchantAsync();
        var other = await fixture.OtherMerchantAsync();
        var orderId = await merchant.PaidOrderAsync(1000);
        var refundId = (await merchant.RefundOkAsync(orderId, 100)).Str("id");

        using var get = await other.Http.GetAsync($"/api/v1/refunds/{refundId}");
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal("refund_not_found", (await get.Content.ReadFromJsonAsync<JsonObject>())!.Str("code"));
        Assert.Empty((await other.ListRefundsAsync($"order_id={orderId}"))["data"]!.AsArray());
        var (status, code, _) = await other.RefundRefusedAsync(new { order_id = orderId, amount = 100 });
        Assert.Equal((HttpStatusCode.NotFound, "order_not_found"), (status, code));
        Assert.Equal(100, (await merchant.GetOrderAsync(orderId)).Long("amount_refunded"));
    }

    [Theory]
    [InlineData("""{"amount":100}""", "order_id")]
    [InlineData("""{"order_id":"ord_x","amount":0}""", "amount")]
    [InlineData("""{"order_id":"ord_x","amount":-1}""", "amount")]
    public async Task Create_RefusesInvalidFields_WithAValidationProblem(string json, string field)
    {
        var merchant = await fixture.MerchantAsync();

        using var response = await merchant.PostJsonAsync("/api/v1/refunds", json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("validation_failed", problem.Str("code"));
        Assert.NotNull(problem["errors"]![field]);
    }

    [Theory]
    [InlineData("""{"order_id":"ord_x","amount":"100"}""")]
    [InlineData("""{"order_id":"ord_x","ammount":100}""")]
    [InlineData("""not json""")]
    public async Task Create_RefusesAnUnreadableBody(string json)
    {
        var merchant = await fixture.MerchantAsync();

        using var response = await merchant.PostJsonAsync("/api/v1/refunds", json);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_json", (await response.Content.ReadFromJsonAsync<JsonObject>())!.Str("code"));
    }

    private async Task<long> WalletEurAsync()
    {
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
        var shopperId = await db.Shoppers.Where(s => s.Email == "shopper@example.com").Select(s => s.Id).SingleAsync();
        return await db.WalletBalances.Where(w => w.ShopperId == shopperId && w.Currency == "EUR").Select(w => w.Amount).SingleAsync();
    }

    private static List<string> Ids(JsonObject page) => page["data"]!.AsArray().Select(r => r!.Str("id")).ToList();
}
