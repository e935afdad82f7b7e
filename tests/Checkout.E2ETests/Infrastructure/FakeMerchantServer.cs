using System.Net;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Checkout.E2ETests.Infrastructure;

/// <summary>
/// The merchant's side of the flow, in the test process: a shop whose success and error pages echo the
/// query Checkout appended, and a callback endpoint that records every delivery (raw body + headers)
/// and answers <c>200 OK</c> as the seed asks.
/// </summary>
public sealed class FakeMerchantServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<ReceivedCallback> _callbacks = [];
    private readonly Lock _gate = new();

    private FakeMerchantServer(WebApplication app)
    {
        _app = app;
        Received = Channel.CreateUnbounded<ReceivedCallback>();
    }

    public Uri BaseUrl { get; private set; } = null!;
    public string SuccessUrl => new Uri(BaseUrl, "/shop/success").ToString();
    public string ErrorUrl => new Uri(BaseUrl, "/shop/error").ToString();
    public string CallbackUrl => new Uri(BaseUrl, "/callbacks").ToString();

    /// <summary>Every callback as it arrives (BTCPay's FakeServer shape); <see cref="Callbacks"/> keeps them all.</summary>
    public Channel<ReceivedCallback> Received { get; }

    public IReadOnlyList<ReceivedCallback> Callbacks
    {
        get { lock (_gate) return _callbacks.ToList(); }
    }

    public static async Task<FakeMerchantServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeMerchantServer(app);

        app.MapGet("/shop/success", (HttpRequest r) => ShopPage("Payment received — thank you!", r));
        app.MapGet("/shop/error", (HttpRequest r) => ShopPage("Payment not completed", r));
        app.MapPost("/callbacks", server.ReceiveCallbackAsync);
        // A shop page that tries to frame Checkout (clickjacking), next to a frame of its own page as a control.
        app.MapGet("/shop/frame", (string src) => Results.Content(
            "<!DOCTYPE html><html><body><h1>Framing shop</h1>" +
            $"<iframe id=\"checkout\" title=\"checkout\" src=\"{WebUtility.HtmlEncode(src)}\" onload=\"document.body.dataset.checkoutLoaded='yes'\"></iframe>" +
            "<iframe id=\"own\" title=\"own\" src=\"/shop/success?framed=yes\" onload=\"document.body.dataset.ownLoaded='yes'\"></iframe>" +
            "</body></html>", "text/html; charset=utf-8"));

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        server.BaseUrl = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        return server;
    }

    /// <summary>The callbacks about one order (filtering keeps tests independent on the shared server).</summary>
    public IReadOnlyList<ReceivedCallback> CallbacksFor(string orderId) =>
        Callbacks.Where(c => c.OrderId == orderId).ToList();

    private async Task<IResult> ReceiveCallbackAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync();
        var headers = request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var callback = new ReceivedCallback(DateTimeOffset.UtcNow, request.Path + request.QueryString, headers, body);
        lock (_gate) _callbacks.Add(callback);
        Received.Writer.TryWrite(callback);
        return Results.Text("OK", "text/plain");
    }

    private static IResult ShopPage(string title, HttpRequest request)
    {
        var html = new StringBuilder()
            .Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>")
            .Append(WebUtility.HtmlEncode(title))
            .Append("</title></head><body><h1>")
            .Append(WebUtility.HtmlEncode(title))
            .Append("</h1><dl>");
        foreach (var (key, value) in request.Query)
            html.Append("<dt>").Append(WebUtility.HtmlEncode(key)).Append("</dt><dd data-key=\"")
                .Append(WebUtility.HtmlEncode(key)).Append("\">").Append(WebUtility.HtmlEncode(value.ToString())).Append("</dd>");
        html.Append("</dl></body></html>");
        return Results.Content(html.ToString(), "text/html; charset=utf-8");
    }

    public async ValueTask DisposeAsync()
    {
        Received.Writer.TryComplete();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>One delivery as the merchant saw it.</summary>
public sealed record ReceivedCallback(DateTimeOffset ReceivedAt, string Path, IReadOnlyDictionary<string, string> Headers, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;

    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string? EventType => TryRead(j => j.GetProperty("type").GetString());

    public string? OrderId => TryRead(j => j.GetProperty("data").GetProperty("object").GetProperty("id").GetString());

    private string? TryRead(Func<JsonElement, string?> read)
    {
        try { return read(Json); }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException) { return null; }
    }
}
