using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Checkout.Bench.Ceiling;
using Checkout.Bench.Receiver;
using Microsoft.AspNetCore.Builder;

namespace Checkout.BenchSmokeTests;

/// <summary>The ceiling app and the callback receiver start on loopback and answer as the benchmark expects.</summary>
public sealed class BenchHelpersTests
{
    private static readonly string[] Loopback = ["--urls", "http://127.0.0.1:0"];

    [Fact]
    public async Task Ceiling_answers_the_order_routes_with_the_captured_order()
    {
        var captured = Path.GetTempFileName();
        await File.WriteAllTextAsync(captured, CeilingApp.SampleOrderJson.Replace("ord_sample", "ord_captured", StringComparison.Ordinal));
        try
        {
            await using var app = CeilingApp.Build([.. Loopback, "--order-json", captured]);
            await app.StartAsync();
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };

            using var created = await http.PostAsync("/api/v1/orders", new StringContent("""{"amount":1999,"currency":"EUR"}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.Equal("http://127.0.0.1:5000/api/v1/orders/ord_captured", created.Headers.Location?.ToString());
            Assert.Equal("application/json", created.Content.Headers.ContentType?.MediaType);
            var body = await created.Content.ReadAsStringAsync();
            Assert.Equal("ord_captured", JsonDocument.Parse(body).RootElement.GetProperty("id").GetString());

            using var read = await http.GetAsync("/api/v1/orders/ord_anything");
            Assert.Equal(HttpStatusCode.OK, read.StatusCode);
            Assert.Equal(body, await read.Content.ReadAsStringAsync());

            await app.StopAsync();
        }
        finally
        {
            File.Delete(captured);
        }
    }

    [Fact]
    public async Task Receiver_records_arrivals_and_checks_signatures()
    {
        var (app, receiver) = ReceiverApp.Build([.. Loopback, "--webhook-secret", "whsec_test", "--verify-every", "1"]);
        await using var _ = app;
        await app.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        const string body = """{"id":"evt_1","object":"event","type":"order.succeeded","created_at":"2026-11-24T09:00:00Z","data":{"object":{"id":"ord_1","object":"order","status":"succeeded"}}}""";

        using var good = await http.SendAsync(Callback(body, Sign("whsec_test", body)));
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Equal("OK", await good.Content.ReadAsStringAsync());
        Assert.True(receiver.TryGetArrival("ord_1", out var arrival));
        Assert.Equal("order.succeeded", arrival.EventType);
        Assert.Equal("evt_1", arrival.EventId);

        using var forged = await http.SendAsync(Callback(body.Replace("ord_1", "ord_2", StringComparison.Ordinal), Sign("whsec_other", body)));
        Assert.Equal(HttpStatusCode.OK, forged.StatusCode);

        Assert.Equal(2, receiver.Received);
        Assert.Equal(1, receiver.Verified);
        Assert.Equal(1, receiver.BadSignatures);
        var stats = JsonDocument.Parse(await http.GetStringAsync("/stats")).RootElement;
        Assert.Equal(2, stats.GetProperty("distinct_orders").GetInt32());
        await app.StopAsync();
    }

    private static HttpRequestMessage Callback(string body, string signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/callbacks") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("Checkout-Signature", signature);
        return request;
    }

    private static string Sign(string secret, string body)
    {
        var t = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}"));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }
}
