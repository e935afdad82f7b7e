using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Checkout.Bench.Driver;

/// <summary>The merchant's side of the API, as the benchmark needs it.</summary>
public sealed class MerchantApi : IDisposable
{
    private readonly HttpClient _http;
    private string _token = "";

    public MerchantApi(Uri baseUrl, int maxConnections = 512)
    {
        _http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            AllowAutoRedirect = false,
            UseCookies = false,
        })
        { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(60) };
    }

    public HttpClient Http => _http;

    public async Task AuthenticateAsync(string clientId = "demo_merchant", string clientSecret = "demo_secret")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/oauth/token/")
        {
            Content = new FormUrlEncodedContent([new("grant_type", "client_credentials")]),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientId}:{clientSecret}")));
        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"token: {(int)response.StatusCode} {body}");
        _token = JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    public async Task<string> CreateOrderAsync(string callbackUrl, string reference, bool idempotencyKey = false)
    {
        var json = $$"""
            {"amount":1999,"currency":"EUR","description":"Benchmark order","reference":"{{reference}}","success_url":"http://127.0.0.1:8080/shop/success","error_url":"http://127.0.0.1:8080/shop/error","callback_url":"{{callbackUrl}}"}
            """;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/orders") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        if (idempotencyKey) request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Created) throw new InvalidOperationException($"create order: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>Creates <paramref name="count"/> orders with a few requests in flight (set-up, not measured).</summary>
    public async Task<string[]> CreateOrdersAsync(int count, string callbackUrl, string reference, int parallel = 16)
    {
        var ids = new string[count];
        var next = -1;
        var workers = Enumerable.Range(0, Math.Min(parallel, Math.Max(1, count))).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
                ids[i] = await RetryAsync(() => CreateOrderAsync(callbackUrl, reference));
        });
        await Task.WhenAll(workers);
        return ids;
    }

    private static async Task<T> RetryAsync<T>(Func<Task<T>> action)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await action();
            }
            catch (Exception) when (attempt < 3)
            {
                await Task.Delay(200 * attempt);
            }
        }
    }

    /// <summary>Confirms with a sandbox card token, or cancels (the fallback that also raises a callback).</summary>
    public HttpRequestMessage SettleRequest(string orderId, string mode, string paymentMethod)
    {
        var request = mode == "confirm"
            ? new HttpRequestMessage(HttpMethod.Post, $"/api/v1/orders/{orderId}/confirm")
            {
                Content = new StringContent($$"""{"payment_method":"{{paymentMethod}}"}""", Encoding.UTF8, "application/json"),
            }
            : new HttpRequestMessage(HttpMethod.Post, $"/api/v1/orders/{orderId}/cancel");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        request.Headers.Add("Idempotency-Key", $"bench-{mode}-{orderId}");
        return request;
    }

    public void Dispose() => _http.Dispose();
}
