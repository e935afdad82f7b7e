using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Checkout.IntegrationTests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Checkout.IntegrationTests.OAuth;

[Collection(ApiCollection.Name)]
public class TokenEndpointTests(AppFixture fixture)
{
    private readonly HttpClient _http = fixture.App.CreateHttpClient();

    [Theory]
    [InlineData("/api/v1/oauth/token/")]
    [InlineData("/api/v1/oauth/token")]
    public async Task Token_IsIssued_ForHttpBasicClientAuthentication(string path)
    {
        using var response = await _http.SendAsync(TokenRequest(path, basic: ("demo_merchant", "demo_secret")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("Bearer", body["token_type"]!.GetValue<string>());
        Assert.Equal(3600, body["expires_in"]!.GetValue<int>());
        Assert.Equal("checkout", body["scope"]!.GetValue<string>());
        Assert.False(string.IsNullOrEmpty(body["access_token"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Token_IsIssued_ForFormFieldClientAuthentication()
    {
        using var response = await _http.SendAsync(TokenRequest(form: new() { ["grant_type"] = "client_credentials", ["client_id"] = "demo_merchant", ["client_secret"] = "demo_secret" }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    public static TheoryData<string, string?, string?, string?, HttpStatusCode, string> Failures => new()
    {
        // grant_type, basic id, basic secret, form secret, status, error
        { "client_credentials", "demo_merchant", "wrong", null, HttpStatusCode.Unauthorized, "invalid_client" },
        { "client_credentials", "nobody", "demo_secret", null, HttpStatusCode.Unauthorized, "invalid_client" },
        { "client_credentials", null, null, null, HttpStatusCode.Unauthorized, "invalid_client" },
        { "password", "demo_merchant", "demo_secret", null, HttpStatusCode.BadRequest, "unsupported_grant_type" },
        { "", "demo_merchant", "demo_secret", null, HttpStatusCode.BadRequest, "invalid_request" },
        { "client_credentials", "demo_merchant", "demo_secret", "demo_secret", HttpStatusCode.BadRequest, "invalid_request" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task Token_IsRefused_WithTheRfc6749Error(string grantType, string? basicId, string? basicSecret, string? formSecret, HttpStatusCode status, string error)
    {
        var form = new Dictionary<string, string> { ["grant_type"] = grantType };
        if (formSecret is not null) form["client_secret"] = formSecret;
        using var response = await _http.SendAsync(TokenRequest(form: form, basic: basicId is null ? null : (basicId, basicSecret!)));

        Assert.Equal(status, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(error, body["error"]!.GetValue<string>());
        Assert.NotNull(body["error_description"]);
    }

    [Fact]
    public async Task Token_IsRefused_WhenTheBodyIsNotAForm()
    {
        using var response = await _http.PostAsync("/api/v1/oauth/token/", new StringContent("{\"grant_type\":\"client_credentials\"}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(null, "missing_token")]
    [InlineData("not-a-jwt", "invalid_token")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkZW1vX21lcmNoYW50Iiwic2NvcGUiOiJjaGVja291dCJ9.c2lnbmF0dXJl", "invalid_token")]
    public async Task Api_IsRefused_WithoutAValidToken(string? token, string code)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/orders");
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, (await response.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());
    }

    internal static HttpRequestMessage TokenRequest(string path = "/api/v1/oauth/token/", Dictionary<string, string>? form = null, (string Id, string Secret)? basic = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(form ?? new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
        };
        if (basic is { } b)
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{b.Id}:{b.Secret}")));
        return request;
    }
}

/// <summary>Token lifetime across time and restarts: each test owns its app because it moves the clock or restarts.</summary>
public class TokenLifetimeTests
{
    [Fact]
    public async Task Token_IsRefused_AfterItExpires()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new CheckoutApp(clock: clock);
        var merchant = new MerchantClient(app.CreateHttpClient());
        await merchant.AuthenticateAsync();
        using (var fresh = await merchant.Http.GetAsync("/api/v1/orders")) Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);

        clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));

        using var expired = await merchant.Http.GetAsync("/api/v1/orders");
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Equal("token_expired", (await expired.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());
        CheckoutApp.DeleteDatabase(app.DatabasePath);
    }

    [Fact]
    public async Task Token_StillWorks_AfterTheAppRestarts()
    {
        string token, databasePath;
        await using (var first = new CheckoutApp())
        {
            databasePath = first.DatabasePath;
            token = await new MerchantClient(first.CreateHttpClient()).GetTokenAsync();
        }

        await using var second = new CheckoutApp(databasePath);
        using var http = second.CreateHttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.GetAsync("/api/v1/orders");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        CheckoutApp.DeleteDatabase(databasePath);
    }
}
