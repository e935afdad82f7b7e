using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Checkout.Core.Data;
using Checkout.Core.Payments;
using Checkout.IntegrationTests.Callbacks;
using Checkout.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.IntegrationTests.Payments;

/// <summary>
/// One app for the payment tests, with a sandbox that settles late authorizations and opens disputes
/// within a third of a second and a reconciler that looks every tenth of a second.
/// </summary>
public sealed class PaymentsAppFixture : IAsyncLifetime
{
    public static Dictionary<string, string?> FastSandbox() => new()
    {
        ["Checkout:Sandbox:SettleDelay"] = "00:00:00.300",
        ["Checkout:Sandbox:DisputeDelay"] = "00:00:00.300",
        ["Checkout:Sandbox:RefundDelay"] = "00:00:00.300",
        ["Checkout:Payments:ReconcileInterval"] = "00:00:00.100",
    };

    public CheckoutApp App { get; } = new(settings: FastSandbox());

    public Task<MerchantClient> MerchantAsync() => App.MerchantAsync();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        CheckoutApp.DeleteDatabase(App.DatabasePath);
    }
}

[CollectionDefinition(Name)]
public sealed class PaymentsCollection : ICollectionFixture<PaymentsAppFixture>
{
    public const string Name = "payments";
}

/// <summary>The payment calls a merchant's backend makes, and what the tests read back from the app.</summary>
public static class PaymentsApi
{
    public static async Task<string> CreateOrderIdAsync(this MerchantClient merchant, long amount = 2500, bool manual = false, string? callbackUrl = null)
    {
        var request = Infrastructure.Orders.Valid(amount: amount, callbackUrl: callbackUrl);
        if (manual) request["capture_method"] = "manual";
        return (await merchant.CreateOrderOkAsync(request))["id"]!.GetValue<string>();
    }

    public static Task<HttpResponseMessage> ConfirmAsync(this MerchantClient merchant, string orderId, string paymentMethod, string? idempotencyKey = null) =>
        merchant.PostJsonAsync($"/api/v1/orders/{orderId}/confirm", JsonSerializer.Serialize(new { payment_method = paymentMethod }), idempotencyKey);

    /// <summary>Confirms and expects 200: a decline is a 200 too, with the order and its last_payment_error.</summary>
    public static async Task<JsonObject> ConfirmOkAsync(this MerchantClient merchant, string orderId, string paymentMethod)
    {
        using var response = await merchant.ConfirmAsync(orderId, paymentMethod);
        return await response.OkJsonAsync();
    }

    public static Task<HttpResponseMessage> CaptureAsync(this MerchantClient merchant, string orderId, long? amount = null) =>
        merchant.PostJsonAsync($"/api/v1/orders/{orderId}/capture", amount is null ? "{}" : JsonSerializer.Serialize(new { amount }));

    public static Task<HttpResponseMessage> CancelAsync(this MerchantClient merchant, string orderId) =>
        merchant.PostJsonAsync($"/api/v1/orders/{orderId}/cancel", "{}");

    public static async Task<JsonObject> OkJsonAsync(this HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected 200, got {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>Asserts a problem+json answer with this status and code.</summary>
    public static async Task AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(code, JsonNode.Parse(body)!["code"]!.GetValue<string>());
    }

    public static string Status(this JsonObject order) => order["status"]!.GetValue<string>();

    public static long AmountCaptured(this JsonObject order) => order["amount_captured"]!.GetValue<long>();

    /// <summary>Polls the API until the order reaches <paramref name="status"/>.</summary>
    public static Task<JsonObject> OrderInStatusAsync(this MerchantClient merchant, string orderId, string status) =>
        Eventually.GetAsync(async () => await merchant.GetOrderAsync(orderId) is { } order && order.Status() == status ? order : null,
            what: $"order {orderId} to be {status}");

    /// <summary>The types of every event raised for the order (the outbox), sorted so several from one save compare as a set.</summary>
    public static async Task<List<string>> EventTypesAsync(this CheckoutApp app, string orderId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
        var types = await db.CallbackEvents.AsNoTracking().Where(e => e.Body.Contains(orderId)).Select(e => e.Type).ToListAsync();
        types.Sort(StringComparer.Ordinal);
        return types;
    }

    public static List<string> Sorted(params string[] types) => [.. types.Order(StringComparer.Ordinal)];

    public static async Task<string> SandboxShopperIdAsync(this CheckoutApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
        return await db.Shoppers.Where(s => s.Email == "shopper@example.com").Select(s => s.Id).SingleAsync();
    }

    public static async Task<long> WalletBalanceAsync(this CheckoutApp app, string shopperId, string currency = "EUR")
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
        return await db.WalletBalances.AsNoTracking().Where(w => w.ShopperId == shopperId && w.Currency == currency).Select(w => w.Amount).SingleAsync();
    }

    /// <summary>Runs one action of the order service in its own scope, as the hosted pages do.</summary>
    public static async Task<PaymentOutcome> PaymentsAsync(this CheckoutApp app, Func<OrderPayments, Task<PaymentOutcome>> action)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<OrderPayments>());
    }

    /// <summary>The app's own reconciler (the hosted service).</summary>
    public static PaymentReconciler Reconciler(this CheckoutApp app) =>
        app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<PaymentReconciler>().Single();

    /// <summary>A second, independent reconciler over the same services, as a second worker would be.</summary>
    public static PaymentReconciler AnotherReconciler(this CheckoutApp app) =>
        ActivatorUtilities.CreateInstance<PaymentReconciler>(app.Services);
}
