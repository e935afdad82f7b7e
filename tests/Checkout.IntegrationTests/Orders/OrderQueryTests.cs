using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Checkout.Core.Data;
using Checkout.Core.Merchants;
using Checkout.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.IntegrationTests.Orders;

[Collection(ApiCollection.Name)]
public class OrderQueryTests(AppFixture fixture)
{
    [Fact]
    public async Task GetOrder_ReturnsTheOrder()
    {
        var merchant = await fixture.MerchantAsync();
        var created = await merchant.CreateOrderOkAsync();
        var id = created["id"]!.GetValue<string>();

        var order = await merchant.GetOrderAsync(id);

        Assert.Equal(id, order["id"]!.GetValue<string>());
        Assert.Equal(created["created_at"]!.GetValue<string>(), order["created_at"]!.GetValue<string>());
    }

    [Fact]
    public async Task AnotherMerchantsOrder_IsNotFound_ForReadAndCancel()
    {
        var demo = await fixture.MerchantAsync();
        var order = await demo.CreateOrderOkAsync();
        var id = order["id"]!.GetValue<string>();
        var other = await SecondMerchantAsync();

        using var get = await other.Http.GetAsync($"/api/v1/orders/{id}");
        using var cancel = await other.PostJsonAsync($"/api/v1/orders/{id}/cancel", "{}");
        using var list = await other.Http.GetAsync($"/api/v1/orders?reference={order["reference"]}");

        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        Assert.Equal("order_not_found", (await get.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, cancel.StatusCode);
        Assert.Empty((await list.Content.ReadFromJsonAsync<JsonObject>())!["data"]!.AsArray());
        Assert.Equal("created", (await demo.GetOrderAsync(id))["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task ListOrders_PagesNewestFirstWithACursor()
    {
        var merchant = await fixture.MerchantAsync();
        var reference = "page-" + Guid.NewGuid().ToString("N")[..8];
        var ids = new List<string>();
        for (var i = 0; i < 5; i++) ids.Add((await merchant.CreateOrderOkAsync(Infrastructure.Orders.Valid(reference: reference)))["id"]!.GetValue<string>());
        ids.Reverse();

        var first = await ListAsync(merchant, $"reference={reference}&limit=2");
        var second = await ListAsync(merchant, $"reference={reference}&limit=2&starting_after={Ids(first)[^1]}");
        var third = await ListAsync(merchant, $"reference={reference}&limit=2&starting_after={Ids(second)[^1]}");

        Assert.Equal(ids[..2], Ids(first));
        Assert.True(first["has_more"]!.GetValue<bool>());
        Assert.Equal(ids[2..4], Ids(second));
        Assert.Equal(ids[4..], Ids(third));
        Assert.False(third["has_more"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ListOrders_FiltersByStatus()
    {
        var merchant = await fixture.MerchantAsync();
        var reference = "status-" + Guid.NewGuid().ToString("N")[..8];
        var canceled = await merchant.CreateOrderOkAsync(Infrastructure.Orders.Valid(reference: reference));
        await merchant.CreateOrderOkAsync(Infrastructure.Orders.Valid(reference: reference));
        using var _ = await merchant.PostJsonAsync($"/api/v1/orders/{canceled["id"]}/cancel", "{}");

        var list = await ListAsync(merchant, $"reference={reference}&status=canceled");

        Assert.Equal([canceled["id"]!.GetValue<string>()], Ids(list));
    }

    [Theory]
    [InlineData("limit=0", "validation_failed")]
    [InlineData("limit=101", "validation_failed")]
    [InlineData("limit=abc", "validation_failed")]
    [InlineData("status=paid", "validation_failed")]
    [InlineData("starting_after=ord_doesnotexist", "invalid_cursor")]
    public async Task ListOrders_RefusesBadQueries(string query, string code)
    {
        var merchant = await fixture.MerchantAsync();
        using var response = await merchant.Http.GetAsync($"/api/v1/orders?{query}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, (await response.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task CancelOrder_CancelsOnceThenRefuses()
    {
        var merchant = await fixture.MerchantAsync();
        var id = (await merchant.CreateOrderOkAsync())["id"]!.GetValue<string>();

        using var first = await merchant.PostJsonAsync($"/api/v1/orders/{id}/cancel", "{}");
        using var second = await merchant.PostJsonAsync($"/api/v1/orders/{id}/cancel", "{}");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("canceled", (await first.Content.ReadFromJsonAsync<JsonObject>())!["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("order_already_final", (await second.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());
    }

    private async Task<MerchantClient> SecondMerchantAsync()
    {
        var id = "mer_other_" + Guid.NewGuid().ToString("N")[..8];
        await using (var scope = fixture.App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
            db.Merchants.Add(Merchant.Create(id, "Other Shop", "other_secret", "whsec_other", ["localhost"], DateTimeOffset.UtcNow));
            await db.SaveChangesAsync();
        }
        return await fixture.MerchantAsync(id, "other_secret");
    }

    private static async Task<JsonObject> ListAsync(MerchantClient merchant, string query)
    {
        using var response = await merchant.Http.GetAsync($"/api/v1/orders?{query}");
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private static List<string> Ids(JsonObject page) => page["data"]!.AsArray().Select(o => o!["id"]!.GetValue<string>()).ToList();
}
