using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Checkout.E2ETests.Infrastructure;

/// <summary>What a merchant's backend does: get a token, create orders, verify them.</summary>
public sealed class MerchantApiClient(HttpClient http, MerchantCredentials credentials) : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private string? _token;

    public HttpClient Http => http;

    public async Task<string> GetAccessTokenAsync()
    {
        if (_token is not null) return _token;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/oauth/token/")
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(credentials.ClientId)}:{Uri.EscapeDataString(credentials.ClientSecret)}")));
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"Token request answered {(int)response.StatusCode}: {body}");
        var token = JsonSerializer.Deserialize<TokenResponse>(body, Json)
            ?? throw new InvalidOperationException("Token response was empty.");
        if (!string.Equals(token.TokenType, "Bearer", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"Expected a Bearer token, got '{token.TokenType}': {body}");
        return _token = token.AccessToken;
    }

    public async Task<OrderDto> CreateOrderAsync(NewOrderRequest order)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders") { Content = JsonContent.Create(order, options: Json) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await GetAccessTokenAsync());
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode != 201)
            throw new InvalidOperationException($"POST /api/v1/orders answered {(int)response.StatusCode}, expected 201: {body}");
        return JsonSerializer.Deserialize<OrderDto>(body, Json) ?? throw new InvalidOperationException("Empty order.");
    }

    public async Task<OrderDto> GetOrderAsync(string id)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/orders/{Uri.EscapeDataString(id)}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await GetAccessTokenAsync());
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"GET /api/v1/orders/{id} answered {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<OrderDto>(body, Json) ?? throw new InvalidOperationException("Empty order.");
    }

    /// <summary>The order as the API answers it, for fields <see cref="OrderDto"/> leaves out (next_action, last_payment_error, attempts).</summary>
    public async Task<JsonElement> GetOrderJsonAsync(string id)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/orders/{Uri.EscapeDataString(id)}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await GetAccessTokenAsync());
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"GET /api/v1/orders/{id} answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public void Dispose() => http.Dispose();

    private sealed record TokenResponse(string AccessToken, string TokenType, long ExpiresIn, string? Scope);
}

/// <summary>The body of <c>POST /api/v1/orders</c>.</summary>
public sealed record NewOrderRequest(
    long Amount,
    string Currency,
    string Description,
    string Reference,
    string SuccessUrl,
    string ErrorUrl,
    string? CallbackUrl,
    IReadOnlyDictionary<string, string>? Metadata = null);

/// <summary>The fields of an order the suite looks at.</summary>
public sealed record OrderDto(
    string Id,
    string Status,
    long Amount,
    string Currency,
    string? Description,
    string? Reference,
    long AmountCaptured,
    IReadOnlyList<LinkDto>? Links)
{
    public string ApproveUrl => Links?.SingleOrDefault(l => l.Rel == "approve")?.Href
        ?? throw new InvalidOperationException($"Order {Id} has no 'approve' link.");
}

public sealed record LinkDto(string Rel, string Href, string? Method);
