using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Checkout.Core.Common;
using Checkout.Core.Data;
using Checkout.Core.Merchants;
using Checkout.Core.Refunds;
using Checkout.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.IntegrationTests.Refunds;

/// <summary>
/// One app for the refund tests, on the real clock, with the sandbox settling refunds in 0.6 s
/// (pending for 0.3 s, then processing) and the refund service looking every 0.1 s.
/// </summary>
public sealed class RefundsAppFixture : IAsyncLifetime
{
    public static readonly Dictionary<string, string?> Settings = new()
    {
        ["Checkout:Sandbox:RefundDelay"] = "00:00:00.6",
        ["Checkout:Sandbox:DisputeDelay"] = "00:00:00",
        ["Checkout:Refunds:PollInterval"] = "00:00:00.1",
    };

    public CheckoutApp App { get; } = new(settings: Settings);

    public async Task<MerchantClient> MerchantAsync(string clientId = "demo_merchant", string clientSecret = "demo_secret")
    {
        var client = new MerchantClient(App.CreateHttpClient(), clientId, clientSecret);
        await client.AuthenticateAsync();
        return client;
    }

    /// <summary>A second merchant, to prove one never sees or refunds another's payments.</summary>
    public async Task<MerchantClient> OtherMerchantAsync()
    {
        var id = "mer_other_" + Guid.NewGuid().ToString("N")[..8];
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
            db.Merchants.Add(Merchant.Create(id, "Other Shop", "other_secret", "whsec_other", ["localhost"], DateTimeOffset.UtcNow));
            await db.SaveChangesAsync();
        }
        return await MerchantAsync(id, "other_secret");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        CheckoutApp.DeleteDatabase(App.DatabasePath);
    }
}

[CollectionDefinition(Name)]
public sealed class RefundsCollection : ICollectionFixture<RefundsAppFixture>
{
    public const string Name = "refunds";
}

/// <summary>What the refund tests do through the merchant API.</summary>
public static class RefundCalls
{
    /// <summary>Creates an order and pays it server-side with <paramref name="paymentMethod"/>; returns the order's id.</summary>
    public static async Task<string> PaidOrderAsync(this MerchantClient merchant, long amount = 1000, string paymentMethod = "pm_card_visa",
        string? callbackUrl = null, string currency = "EUR", bool manualCapture = false)
    {
        var request = Infrastructure.Orders.Valid(amount, currency, callbackUrl);
        if (manualCapture) request["capture_method"] = "manual";
        var id = (await merchant.CreateOrderOkAsync(request))["id"]!.GetValue<string>();
        using var confirm = await merchant.PostJsonAsync($"/api/v1/orders/{id}/confirm", $$"""{"payment_method":"{{paymentMethod}}"}""");
        var body = await confirm.Content.ReadAsStringAsync();
        if (confirm.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"Confirm failed: {(int)confirm.StatusCode} {body}");
        return id;
    }

    public static Task<HttpResponseMessage> RefundAsync(this MerchantClient merchant, object body, string? idempotencyKey = null) =>
        merchant.PostJsonAsync("/api/v1/refunds", JsonSerializer.Serialize(body, CheckoutJson.Options), idempotencyKey);

    /// <summary>Makes a refund that must be accepted (201) and returns its JSON.</summary>
    public static async Task<JsonObject> RefundOkAsync(this MerchantClient merchant, string orderId, long? amount = null, string? reason = null)
    {
        using var response = await merchant.RefundAsync(new { order_id = orderId, amount, reason });
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"Refund failed: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>Asks for a refund that must be refused; returns the status and the problem's code.</summary>
    public static async Task<(HttpStatusCode Status, string Code, JsonObject Problem)> RefundRefusedAsync(this MerchantClient merchant, object body)
    {
        using var response = await merchant.RefundAsync(body);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, problem["code"]!.GetValue<string>(), problem);
    }

    public static async Task<JsonObject> GetRefundAsync(this MerchantClient merchant, string id)
    {
        using var response = await merchant.Http.GetAsync($"/api/v1/refunds/{id}");
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    public static async Task<JsonObject> ListRefundsAsync(this MerchantClient merchant, string query)
    {
        using var response = await merchant.Http.GetAsync($"/api/v1/refunds?{query}");
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"List failed: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>Waits until the background service has moved the refund to <paramref name="status"/>.</summary>
    public static Task<JsonObject> RefundInStatusAsync(this MerchantClient merchant, string id, string status) =>
        Eventually.GetAsync(async () => await merchant.GetRefundAsync(id) is var r && r["status"]!.GetValue<string>() == status ? r : null,
            what: $"refund {id} to be {status}");

    public static async Task<List<string>> EventTypesOfAsync(this CheckoutApp app, string objectId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
        var events = await db.CallbackEvents.AsNoTracking().Where(e => e.Body.Contains(objectId)).ToListAsync();
        // refund.updated and refund.failed are raised by one save and share created_at: failed comes second.
        return events.OrderBy(e => e.CreatedAt).ThenBy(e => e.Type == RefundEventTypes.Failed ? 1 : 0).Select(e => e.Type).ToList();
    }

    public static async Task<List<Refund>> StoredRefundsAsync(this CheckoutApp app, string orderId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
        return await db.Refunds.AsNoTracking().Where(r => r.OrderId == orderId).ToListAsync();
    }

    public static long Long(this JsonNode node, string property) => node[property]!.GetValue<long>();

    public static string Str(this JsonNode node, string property) => node[property]!.GetValue<string>();
}
