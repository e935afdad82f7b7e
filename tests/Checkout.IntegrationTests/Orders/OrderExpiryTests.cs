using Checkout.Core.Data;
using Checkout.Core.Orders;
using Checkout.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Checkout.IntegrationTests.Orders;

public class OrderExpiryTests
{
    [Fact]
    public async Task UnpaidOrders_ExpireAtExpiresAt_WithAnExpiredEvent()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new CheckoutApp(clock: clock);
        var merchant = new MerchantClient(app.CreateHttpClient());
        await merchant.AuthenticateAsync();
        var request = Infrastructure.Orders.Valid();
        request["expires_in"] = 120;
        var id = (await merchant.CreateOrderOkAsync(request))["id"]!.GetValue<string>();
        var paidLater = (await merchant.CreateOrderOkAsync())["id"]!.GetValue<string>();
        var sweeper = app.Services.GetServices<IHostedService>().OfType<OrderExpiryService>().Single();

        clock.Advance(TimeSpan.FromSeconds(119));
        await sweeper.ExpireDueOrdersAsync(CancellationToken.None);
        Assert.Equal("created", (await merchant.GetOrderAsync(id))["status"]!.GetValue<string>());

        clock.Advance(TimeSpan.FromSeconds(1));
        await sweeper.ExpireDueOrdersAsync(CancellationToken.None);

        Assert.Equal("expired", (await merchant.GetOrderAsync(id))["status"]!.GetValue<string>());
        Assert.Equal("created", (await merchant.GetOrderAsync(paidLater))["status"]!.GetValue<string>());
        await using var scope = app.Services.CreateAsyncScope();
        var events = await scope.ServiceProvider.GetRequiredService<CheckoutDbContext>().CallbackEvents
            .Where(e => e.Body.Contains(id)).ToListAsync();
        Assert.Equal([OrderEventTypes.Expired], events.Select(e => e.Type));
        // Outbox rows carry the app's clock, so they fall due on the same timeline the dispatcher reads.
        Assert.True((clock.GetUtcNow() - events[0].CreatedAt).Duration() < TimeSpan.FromMilliseconds(1));
        CheckoutApp.DeleteDatabase(app.DatabasePath);
    }
}
