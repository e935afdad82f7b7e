using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Checkout.Bench.Receiver;

/// <summary>One callback as it arrived: when (Stopwatch ticks, this process) and which event.</summary>
public readonly record struct Arrival(long Timestamp, string EventType, string EventId);

/// <summary>
/// Records the first arrival of a callback per order id (<c>data.object.id</c>) with a monotonic
/// timestamp, answers <c>200 OK</c>, and checks <c>Checkout-Signature</c> on the first callback and
/// then every <see cref="VerifyEvery"/>th (HMAC-SHA256 over "t.body", recomputed here, independently of Checkout).
/// </summary>
public sealed class CallbackReceiver(string webhookSecret, int verifyEvery = 50)
{
    private readonly ConcurrentDictionary<string, Arrival> _arrivals = new(StringComparer.Ordinal);
    private long _received;
    private long _verified;
    private long _badSignatures;
    private long _duplicates;

    public int VerifyEvery { get; } = verifyEvery;
    public long Received => Interlocked.Read(ref _received);
    public long Verified => Interlocked.Read(ref _verified);
    public long BadSignatures => Interlocked.Read(ref _badSignatures);
    public long Duplicates => Interlocked.Read(ref _duplicates);
    public int DistinctOrders => _arrivals.Count;

    /// <summary>Status code answered to callbacks (200 by default; anything else makes Checkout retry).</summary>
    public int AnswerStatus { get; set; } = StatusCodes.Status200OK;

    public bool TryGetArrival(string orderId, out Arrival arrival) => _arrivals.TryGetValue(orderId, out arrival);

    public void Reset()
    {
        _arrivals.Clear();
        Interlocked.Exchange(ref _received, 0);
        Interlocked.Exchange(ref _verified, 0);
        Interlocked.Exchange(ref _badSignatures, 0);
        Interlocked.Exchange(ref _duplicates, 0);
    }

    public async Task HandleAsync(HttpContext http)
    {
        var now = Stopwatch.GetTimestamp();
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
        var body = buffer.ToArray();
        var n = Interlocked.Increment(ref _received);

        if (n == 1 || n % VerifyEvery == 0)
        {
            var header = http.Request.Headers["Checkout-Signature"].ToString();
            if (Verify(webhookSecret, header, body)) Interlocked.Increment(ref _verified);
            else Interlocked.Increment(ref _badSignatures);
        }

        var (orderId, type, eventId) = Describe(body);
        if (orderId is not null && !_arrivals.TryAdd(orderId, new Arrival(now, type ?? "", eventId ?? "")))
            Interlocked.Increment(ref _duplicates);

        http.Response.StatusCode = AnswerStatus;
        http.Response.ContentType = "text/plain";
        await http.Response.WriteAsync("OK", http.RequestAborted);
    }

    /// <summary>Recomputes <c>v1</c> = hex HMAC-SHA256(secret, "t.body") and compares in constant time.</summary>
    public static bool Verify(string secret, string header, ReadOnlySpan<byte> body)
    {
        string? t = null;
        var signatures = new List<string>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) continue;
            if (part[..eq] == "t") t = part[(eq + 1)..];
            else if (part[..eq] == "v1") signatures.Add(part[(eq + 1)..]);
        }
        if (t is null || signatures.Count == 0) return false;
        var signed = new byte[t.Length + 1 + body.Length];
        Encoding.ASCII.GetBytes(t, signed);
        signed[t.Length] = (byte)'.';
        body.CopyTo(signed.AsSpan(t.Length + 1));
        var expected = Encoding.ASCII.GetBytes(Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed)));
        return signatures.Any(s => CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(s)));
    }

    private static (string? OrderId, string? Type, string? EventId) Describe(byte[] body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            string? orderId = null;
            if (root.TryGetProperty("data", out var data) && data.TryGetProperty("object", out var obj))
            {
                // An order's own event carries the order; a refund or dispute event carries order_id.
                if (obj.TryGetProperty("object", out var kind) && kind.GetString() == "order" && obj.TryGetProperty("id", out var id)) orderId = id.GetString();
                else if (obj.TryGetProperty("order_id", out var oid)) orderId = oid.GetString();
                else if (obj.TryGetProperty("id", out var anyId)) orderId = anyId.GetString();
            }
            return (orderId,
                root.TryGetProperty("type", out var type) ? type.GetString() : null,
                root.TryGetProperty("id", out var eventId) ? eventId.GetString() : null);
        }
        catch (JsonException)
        {
            return (null, null, null);
        }
    }
}

public static class ReceiverApp
{
    /// <summary>
    /// Builds the receiver: <c>POST /callbacks</c> (the callback_url), <c>GET /stats</c>, <c>GET /</c>.
    /// Options besides ASP.NET Core's own: <c>--webhook-secret</c> (default whsec_demo), <c>--verify-every</c>.
    /// </summary>
    public static (WebApplication App, CallbackReceiver Receiver) Build(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.ClearProviders();
        var receiver = new CallbackReceiver(
            builder.Configuration["webhook-secret"] ?? "whsec_demo",
            int.TryParse(builder.Configuration["verify-every"], out var every) && every > 0 ? every : 50);
        var app = builder.Build();
        app.MapGet("/", () => "receiver");
        app.MapPost("/callbacks", receiver.HandleAsync);
        app.MapGet("/stats", () => Results.Text(
            $$"""{"received":{{receiver.Received}},"distinct_orders":{{receiver.DistinctOrders}},"verified":{{receiver.Verified}},"bad_signatures":{{receiver.BadSignatures}},"duplicates":{{receiver.Duplicates}}}""",
            "application/json"));
        return (app, receiver);
    }
}
