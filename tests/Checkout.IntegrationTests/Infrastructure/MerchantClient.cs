using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Checkout.Core.Common;

namespace Checkout.IntegrationTests.Infrastructure;

/// <summary>What a merchant's backend does against the API: get a token, create and read orders.</summary>
public sealed class MerchantClient(HttpClient http, string clientId = "demo_merchant", string clientSecret = "demo_secret")
{
    public HttpClient Http { get; } = http;

    public async Task<string> GetTokenAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/oauth/token/")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientId}:{clientSecret}")));
        using var response = await Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        return body!["access_token"]!.GetValue<string>();
    }

    public async Task AuthenticateAsync() =>
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await GetTokenAsync());

    public Task<HttpResponseMessage> PostJsonAsync(string path, string json, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (idempotencyKey is not null) request.Headers.Add("Idempotency-Key", idempotencyKey);
        return Http.SendAsync(request);
    }

    public Task<HttpResponseMessage> CreateOrderAsync(object order, string? idempotencyKey = null) =>
        PostJsonAsync("/api/v1/orders", JsonSerializer.Serialize(order, CheckoutJson.Options), idempotencyKey);

    /// <summary>Creates an order that must succeed and returns its JSON.</summary>
    public async Task<JsonObject> CreateOrderOkAsync(object? order = null)
    {
        using var response = await CreateOrderAsync(order ?? Orders.Valid());
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != System.Net.HttpStatusCode.Created) throw new InvalidOperationException($"Create order failed: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    public async Task<JsonObject> GetOrderAsync(string id)
    {
        using var response = await Http.GetAsync($"/api/v1/orders/{id}");
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }
}

/// <summary>Builders for order requests.</summary>
public static class Orders
{
    public static Dictionary<string, object?> Valid(long amount = 1999, string currency = "EUR", string? callbackUrl = null, string? reference = null)
    {
        var order = new Dictionary<string, object?>
        {
            ["amount"] = amount,
            ["currency"] = currency,
            ["description"] = "Two cups of tea",
            ["reference"] = reference ?? "ref-" + Guid.NewGuid().ToString("N")[..8],
            ["success_url"] = "http://localhost:9000/shop/success",
            ["error_url"] = "http://localhost:9000/shop/error",
        };
        if (callbackUrl is not null) order["callback_url"] = callbackUrl;
        return order;
    }
}
