using Checkout.Core.Callbacks;
using Checkout.Core.Data;
using Checkout.Core.Payments;
using Checkout.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.IntegrationTests.Callbacks;

/// <summary>
/// The app with a retry schedule of two 0.2 s waits (three attempts, then failed) and a one-minute
/// poll, so a callback that arrives within seconds proves the commit woke the dispatcher.
/// </summary>
public sealed class CallbackAppFixture : IAsyncLifetime
{
    public static Dictionary<string, string?> Settings(string[] retrySchedule, string pollInterval = "00:01:00")
    {
        var settings = new Dictionary<string, string?> { ["Checkout:Callbacks:PollInterval"] = pollInterval };
        for (var i = 0; i < retrySchedule.Length; i++) settings[$"Checkout:Callbacks:RetrySchedule:{i}"] = retrySchedule[i];
        return settings;
    }

    public CheckoutApp App { get; } = new(settings: Settings(["00:00:00.2", "00:00:00.2"]));

    public async Task<MerchantClient> MerchantAsync() => await App.MerchantAsync();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        CheckoutApp.DeleteDatabase(App.DatabasePath);
    }
}

/// <summary>What the callback tests do to the app besides calling its API.</summary>
public static class CallbackAppExtensions
{
    public static async Task<MerchantClient> MerchantAsync(this CheckoutApp app, string clientId = "demo_merchant", string clientSecret = "demo_secret")
    {
        var merchant = new MerchantClient(app.CreateHttpClient(), clientId, clientSecret);
        await merchant.AuthenticateAsync();
        return merchant;
    }

    /// <summary>Creates an order that calls back to <paramref name="callbackUrl"/>; returns its id.</summary>
    public static async Task<string> CreateOrderWithCallbackAsync(this MerchantClient merchant, string callbackUrl) =>
        (await merchant.CreateOrderOkAsync(Infrastructure.Orders.Valid(callbackUrl: callbackUrl)))["id"]!.GetValue<string>();

    public static async Task CancelOrderAsync(this MerchantClient merchant, string orderId)
    {
        using var response = await merchant.PostJsonAsync($"/api/v1/orders/{orderId}/cancel", "{}");
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The sandbox shopper pays the order with the wallet, as the approve page would (raises order.succeeded).</summary>
    public static async Task PayAsync(this CheckoutApp app, string orderId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
        var shopperId = await db.Shoppers.Where(s => s.Email == "shopper@example.com").Select(s => s.Id).SingleAsync();
        var result = await scope.ServiceProvider.GetRequiredService<OrderPayments>().ConfirmAsync(orderId, null, new PaymentChoice.Wallet(shopperId), CancellationToken.None);
        Assert.Null(result.Error);
    }

    /// <summary>The delivery of the order's event of <paramref name="type"/>, with its attempts, as stored now.</summary>
    public static async Task<CallbackDelivery?> DeliveryAsync(this CheckoutApp app, string orderId, string type)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
        var eventId = await db.CallbackEvents.Where(e => e.Type == type && e.Body.Contains(orderId)).Select(e => e.Id).SingleOrDefaultAsync();
        return eventId is null ? null : await db.CallbackDeliveries.AsNoTracking().Include(d => d.Attempts).SingleOrDefaultAsync(d => d.EventId == eventId);
    }

    /// <summary>Waits until the delivery reaches <paramref name="status"/>.</summary>
    public static Task<CallbackDelivery> DeliveryInStatusAsync(this CheckoutApp app, string orderId, string type, CallbackDeliveryStatus status) =>
        Eventually.GetAsync(async () => await app.DeliveryAsync(orderId, type) is { } d && d.Status == status ? d : null,
            what: $"the {type} delivery of {orderId} to be {status}");
}
