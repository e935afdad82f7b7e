using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Checkout.IntegrationTests.Infrastructure;
using Checkout.Web.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Checkout.IntegrationTests.Hosting;

/// <summary>A token validated once is remembered, but never past its expiry and never for a different token string.</summary>
public class ValidatedBearerTokensTests
{
    [Fact]
    public async Task RepeatedToken_IsRemembered_AndKeepsWorking()
    {
        await using var app = new CheckoutApp();
        var merchant = new MerchantClient(app.CreateHttpClient());
        await merchant.AuthenticateAsync();

        for (var i = 0; i < 3; i++)
        {
            using var response = await merchant.Http.GetAsync("/api/v1/orders");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(1, app.Services.GetRequiredService<ValidatedBearerTokens>().Count);
        CheckoutApp.DeleteDatabase(app.DatabasePath);
    }

    [Fact]
    public async Task RememberedToken_IsRefused_AfterItExpires()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new CheckoutApp(clock: clock);
        var merchant = new MerchantClient(app.CreateHttpClient());
        await merchant.AuthenticateAsync();
        using (var first = await merchant.Http.GetAsync("/api/v1/orders")) Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        using (var remembered = await merchant.Http.GetAsync("/api/v1/orders")) Assert.Equal(HttpStatusCode.OK, remembered.StatusCode);

        clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));

        using var expired = await merchant.Http.GetAsync("/api/v1/orders");
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Equal("token_expired", (await expired.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());
        CheckoutApp.DeleteDatabase(app.DatabasePath);
    }

    [Fact]
    public async Task RememberedToken_WithAnAlteredSignature_IsRefused()
    {
        await using var app = new CheckoutApp();
        var token = await new MerchantClient(app.CreateHttpClient()).GetTokenAsync();
        using var http = app.CreateHttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using (var valid = await http.GetAsync("/api/v1/orders")) Assert.Equal(HttpStatusCode.OK, valid.StatusCode);

        var signatureStart = token.LastIndexOf('.') + 1;
        var altered = token[..signatureStart] + (token[signatureStart] == 'A' ? 'B' : 'A') + token[(signatureStart + 1)..];
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", altered);

        using var forged = await http.GetAsync("/api/v1/orders");
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Equal("invalid_token", (await forged.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());
        CheckoutApp.DeleteDatabase(app.DatabasePath);
    }
}
