using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Checkout.IntegrationTests.Infrastructure;

namespace Checkout.IntegrationTests.Orders;

[Collection(ApiCollection.Name)]
public class CreateOrderTests(AppFixture fixture)
{
    [Fact]
    public async Task CreateOrder_Returns201WithLocationAndApproveLink()
    {
        var merchant = await fixture.MerchantAsync();
        var request = Infrastructure.Orders.Valid(amount: 1999, reference: "inv-1001");
        request["metadata"] = new Dictionary<string, string> { ["cart"] = "42" };

        using var response = await merchant.CreateOrderAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var order = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var id = order["id"]!.GetValue<string>();
        Assert.StartsWith("ord_", id);
        Assert.Equal("created", order["status"]!.GetValue<string>());
        Assert.Equal(1999, order["amount"]!.GetValue<long>());
        Assert.Equal("EUR", order["currency"]!.GetValue<string>());
        Assert.Equal("inv-1001", order["reference"]!.GetValue<string>());
        Assert.Equal("42", order["metadata"]!["cart"]!.GetValue<string>());
        Assert.Equal("automatic", order["capture_method"]!.GetValue<string>());
        Assert.Equal(0, order["amount_captured"]!.GetValue<long>());
        var created = DateTimeOffset.Parse(order["created_at"]!.GetValue<string>());
        var expires = DateTimeOffset.Parse(order["expires_at"]!.GetValue<string>());
        Assert.Equal(TimeSpan.FromMinutes(30), expires - created);

        var links = order["links"]!.AsArray().ToDictionary(l => l!["rel"]!.GetValue<string>(), l => l!["href"]!.GetValue<string>());
        Assert.Equal(new Uri(fixture.App.BaseAddress, $"/pay/{id}"), new Uri(links["approve"]));
        Assert.Equal(new Uri(links["self"]), response.Headers.Location);
    }

    [Fact]
    public async Task CreateOrder_AcceptsExpiresInAndLowerCaseCurrency()
    {
        var merchant = await fixture.MerchantAsync();
        var request = Infrastructure.Orders.Valid(amount: 1999, currency: "jpy");
        request["expires_in"] = 600;
        var order = await merchant.CreateOrderOkAsync(request);
        Assert.Equal("JPY", order["currency"]!.GetValue<string>());
        var created = DateTimeOffset.Parse(order["created_at"]!.GetValue<string>());
        Assert.Equal(TimeSpan.FromMinutes(10), DateTimeOffset.Parse(order["expires_at"]!.GetValue<string>()) - created);
    }

    private static readonly string TooMuchMetadata = "{" + string.Join(",", Enumerable.Range(0, 21).Select(i => $"\"k{i}\":\"v\"")) + "}";

    public static TheoryData<string, string, string> BadInputs => new()
    {
        // name, JSON body, expected code (and for validation, the field)
        { "amount missing", """{"currency":"EUR","success_url":"http://localhost/s","error_url":"http://localhost/e"}""", "validation_failed:amount" },
        { "amount zero", """{"amount":0,"currency":"EUR","success_url":"http://localhost/s","error_url":"http://localhost/e"}""", "validation_failed:amount" },
        { "amount negative", """{"amount":-100,"currency":"EUR","success_url":"http://localhost/s","error_url":"http://localhost/e"}""", "validation_failed:amount" },
        { "amount too large", """{"amount":100000000000,"currency":"EUR","success_url":"http://localhost/s","error_url":"http://localhost/e"}""", "validation_failed:amount" },
        { "amount decimal", """{"amount":19.99,"currency":"EUR","success_url":"http://localhost/s","error_url":"http://localhost/e"}""", "invalid_json" },
        { "amount string", """{"amount":"1999","currency":"EUR","success_url":"http://localhost/s","error_url":"http://localhost/e"}""", "invalid_json" },
        { "amount overflow", """{"amount":99999999999999999999999,"currency":"EUR","success_url":"http://localhost/s","error_url":"http://localhost/e"}""", "invalid_json" },
        { "currency unknown", """{"amount":100,"currency":"XXX","success_url":"http://localhost/s","error_url":"http://localhost/e"}""", "validation_failed:currency" },
        { "currency missing", """{"amount":100,"success_url":"http://localhost/s","error_url":"http://localhost/e"}""", "validation_failed:currency" },
        { "description too long", $$"""{"amount":100,"currency":"EUR","description":"{{new string('x', 501)}}","success_url":"http://localhost/s","error_url":"http://localhost/e"}""", "validation_failed:description" },
        { "reference too long", $$"""{"amount":100,"currency":"EUR","reference":"{{new string('x', 101)}}","success_url":"http://localhost/s","error_url":"http://localhost/e"}""", "validation_failed:reference" },
        { "success_url missing", """{"amount":100,"currency":"EUR","error_url":"http://localhost/e"}""", "validation_failed:success_url" },
        { "success_url relative", """{"amount":100,"currency":"EUR","success_url":"/ok","error_url":"http://localhost/e"}""", "validation_failed:success_url" },
        { "success_url javascript", """{"amount":100,"currency":"EUR","success_url":"javascript:alert(1)","error_url":"http://localhost/e"}""", "validation_failed:success_url" },
        { "success_url foreign host", """{"amount":100,"currency":"EUR","success_url":"https://evil.example/ok","error_url":"http://localhost/e"}""", "validation_failed:success_url" },
        { "error_url foreign host", """{"amount":100,"currency":"EUR","success_url":"http://localhost/s","error_url":"https://shop.example.evil.com/e"}""", "validation_failed:error_url" },
        { "callback_url foreign host", """{"amount":100,"currency":"EUR","success_url":"http://localhost/s","error_url":"http://localhost/e","callback_url":"http://169.254.169.254/latest"}""", "validation_failed:callback_url" },
        { "metadata too many", """{"amount":100,"currency":"EUR","success_url":"http://localhost/s","error_url":"http://localhost/e","metadata":""" + TooMuchMetadata + "}", "validation_failed:metadata" },
        { "metadata not string", """{"amount":100,"currency":"EUR","success_url":"http://localhost/s","error_url":"http://localhost/e","metadata":{"n":1}}""", "invalid_json" },
        { "expires_in too short", """{"amount":100,"currency":"EUR","success_url":"http://localhost/s","error_url":"http://localhost/e","expires_in":5}""", "validation_failed:expires_in" },
        { "capture_method unknown", """{"amount":100,"currency":"EUR","success_url":"http://localhost/s","error_url":"http://localhost/e","capture_method":"later"}""", "validation_failed:capture_method" },
        { "unknown field", """{"amount":100,"currency":"EUR","success_url":"http://localhost/s","error_url":"http://localhost/e","sucess_url":"x"}""", "invalid_json" },
        { "malformed json", """{"amount":100,""", "invalid_json" },
        { "array body", """[1,2,3]""", "invalid_json" },
        { "empty body", "", "invalid_request" },
        { "null body", "null", "invalid_request" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task CreateOrder_RefusesBadInput_WithAProblemAndCreatesNothing(string name, string body, string expected)
    {
        var merchant = await fixture.MerchantAsync();
        var reference = "bad-" + Guid.NewGuid().ToString("N");
        body = body.Replace("\"currency\":\"EUR\"", $"\"currency\":\"EUR\",\"reference\":\"{reference}\"", StringComparison.Ordinal);

        using var response = await merchant.PostJsonAsync("/api/v1/orders", body);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{name}: {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var parts = expected.Split(':');
        Assert.Equal(parts[0], problem["code"]!.GetValue<string>());
        if (parts.Length > 1) Assert.NotNull(problem["errors"]![parts[1]]);

        using var list = await merchant.Http.GetAsync($"/api/v1/orders?reference={reference}");
        Assert.Empty((await list.Content.ReadFromJsonAsync<JsonObject>())!["data"]!.AsArray());
    }

    [Fact]
    public async Task CreateOrder_RefusesABodyOverOneMegabyte()
    {
        var merchant = await fixture.MerchantAsync();
        var huge = $$"""{"amount":100,"currency":"EUR","description":"{{new string('x', 1_100_000)}}"}""";
        using var response = await merchant.PostJsonAsync("/api/v1/orders", huge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("request_too_large", (await response.Content.ReadFromJsonAsync<JsonObject>())!["code"]!.GetValue<string>());
    }
}
