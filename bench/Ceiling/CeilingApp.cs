using System.Text;
using System.Text.Json;

namespace Checkout.Bench.Ceiling;

/// <summary>
/// What this machine's Kestrel does with no application work: the same routes as Checkout's order API,
/// answering with an order captured from Checkout (bytes written as they are), no auth, no database.
/// </summary>
public static class CeilingApp
{
    /// <summary>Used when no captured order is given (the smoke test, a quick look).</summary>
    public const string SampleOrderJson = """
        {"id":"ord_sample","object":"order","status":"created","amount":1999,"currency":"EUR","description":"Two cups of tea","reference":"inv-1001","success_url":"http://127.0.0.1:8080/shop/success","error_url":"http://127.0.0.1:8080/shop/error","callback_url":"http://127.0.0.1:8080/shop/callbacks","capture_method":"automatic","amount_captured":0,"amount_refunded":0,"last_payment_error":null,"payment_method":null,"metadata":{},"created_at":"2026-11-24T09:00:00Z","expires_at":"2026-11-24T09:30:00Z","links":[{"rel":"self","href":"http://127.0.0.1:5000/api/v1/orders/ord_sample","method":"GET"},{"rel":"approve","href":"http://127.0.0.1:5000/pay/ord_sample","method":"GET"}]}
        """;

    /// <summary>
    /// Builds the app. Options (besides ASP.NET Core's own, e.g. <c>--urls</c>):
    /// <c>--order-json PATH</c>, a file holding one order as Checkout returned it.
    /// </summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Logging.ClearProviders();
        var path = builder.Configuration["order-json"];
        var body = path is { Length: > 0 } ? File.ReadAllBytes(path) : Encoding.UTF8.GetBytes(SampleOrderJson.Trim());
        var location = SelfLink(body);

        var app = builder.Build();
        app.MapGet("/", () => "ceiling");
        app.MapPost("/api/v1/orders", async (HttpContext http) =>
        {
            // Read the request body as Checkout must, then answer like a create.
            await DrainAsync(http.Request.Body, http.RequestAborted);
            http.Response.StatusCode = StatusCodes.Status201Created;
            http.Response.Headers.Location = location;
            await WriteJsonAsync(http.Response, body);
        });
        // The id is bound as Checkout binds it, and ignored: every id has the captured body.
        app.MapGet("/api/v1/orders/{id}", (string id, HttpResponse response) => WriteJsonAsync(response, body));
        return app;
    }

    private static async Task DrainAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        while (await stream.ReadAsync(buffer, cancellationToken) > 0)
        {
        }
    }

    private static Task WriteJsonAsync(HttpResponse response, byte[] body)
    {
        response.ContentType = "application/json; charset=utf-8";
        response.ContentLength = body.Length;
        return response.Body.WriteAsync(body, 0, body.Length);
    }

    private static string SelfLink(byte[] json)
    {
        using var doc = JsonDocument.Parse(json);
        if (doc.RootElement.TryGetProperty("links", out var links))
            foreach (var link in links.EnumerateArray())
                if (link.GetProperty("rel").GetString() == "self") return link.GetProperty("href").GetString() ?? "/";
        return "/api/v1/orders/" + doc.RootElement.GetProperty("id").GetString();
    }
}
