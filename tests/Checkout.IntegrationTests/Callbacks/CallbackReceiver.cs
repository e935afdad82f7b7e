using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Checkout.IntegrationTests.Callbacks;

/// <summary>One callback as the merchant's endpoint saw it: the raw body bytes as text and the headers.</summary>
public sealed record ReceivedCallback(string Body, IReadOnlyDictionary<string, string> Headers)
{
    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : throw new KeyNotFoundException($"No {name} header.");
}

/// <summary>
/// A merchant's callback endpoint: a real Kestrel server on 127.0.0.1 that records every request and
/// answers with scripted status codes (then 200 "OK", as the seed says).
/// </summary>
public sealed class CallbackReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<int> _script;
    private readonly ConcurrentQueue<ReceivedCallback> _received = new();
    private readonly TimeSpan _answerAfter;

    private CallbackReceiver(int port, IEnumerable<int> script, TimeSpan answerAfter)
    {
        _script = new ConcurrentQueue<int>(script);
        _answerAfter = answerAfter;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        _app = builder.Build();
        _app.MapPost("/callbacks", HandleAsync);
    }

    /// <summary>
    /// Starts listening; port 0 picks a free one. <paramref name="script"/> are the first answers' status
    /// codes; <paramref name="answerAfter"/> makes every answer that slow.
    /// </summary>
    public static async Task<CallbackReceiver> StartAsync(int port = 0, TimeSpan answerAfter = default, params int[] script)
    {
        var receiver = new CallbackReceiver(port, script, answerAfter);
        await receiver._app.StartAsync();
        return receiver;
    }

    /// <summary>A loopback port nobody listens on (yet): connections to it are refused.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static string UrlFor(int port) => $"http://127.0.0.1:{port}/callbacks";

    public string Url => _app.Urls.Single().TrimEnd('/') + "/callbacks";

    public IReadOnlyList<ReceivedCallback> Received => [.. _received];

    /// <summary>Waits until at least <paramref name="count"/> callbacks have arrived.</summary>
    public Task<IReadOnlyList<ReceivedCallback>> WaitForAsync(int count) =>
        Infrastructure.Eventually.GetAsync(() => Task.FromResult(_received.Count >= count ? Received : null), what: $"{count} callback(s)");

    private async Task HandleAsync(HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body);
        var body = await reader.ReadToEndAsync();
        var headers = http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        _received.Enqueue(new ReceivedCallback(body, headers));
        if (_answerAfter > TimeSpan.Zero) await Task.Delay(_answerAfter, http.RequestAborted);
        http.Response.StatusCode = _script.TryDequeue(out var status) ? status : StatusCodes.Status200OK;
        await http.Response.WriteAsync(http.Response.StatusCode == 200 ? "OK" : "not now");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
