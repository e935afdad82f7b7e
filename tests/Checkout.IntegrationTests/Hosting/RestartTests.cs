using Checkout.Core.Data;
using Checkout.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.IntegrationTests.Hosting;

/// <summary>A restart on an existing database skips migrating and seeding; the app must still be whole.</summary>
public class RestartTests
{
    [Fact]
    public async Task Restart_OnAnExistingDatabase_KeepsOneSeedAndServesTheSandbox()
    {
        var databasePath = Path.Combine(Path.GetTempPath(), $"checkout-restart-{Guid.NewGuid():N}.db");
        string createdOrder;
        await using (var first = new CheckoutApp(databasePath))
        {
            var merchant = new MerchantClient(first.CreateHttpClient());
            await merchant.AuthenticateAsync();
            createdOrder = (await merchant.CreateOrderOkAsync(Infrastructure.Orders.Valid()))["id"]!.GetValue<string>();
        }

        await using var second = new CheckoutApp(databasePath);
        using var http = second.CreateHttpClient();
        using var home = await http.GetAsync("/");
        var again = new MerchantClient(second.CreateHttpClient());
        await again.AuthenticateAsync();
        using var order = await again.Http.GetAsync($"/api/v1/orders/{createdOrder}");

        Assert.Equal(System.Net.HttpStatusCode.OK, home.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.OK, order.StatusCode);
        await using var scope = second.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(1, await db.Merchants.CountAsync(m => m.Id == "demo_merchant"));
        Assert.Equal(1, await db.Shoppers.CountAsync(s => s.Email == "shopper@example.com"));
        CheckoutApp.DeleteDatabase(databasePath);
    }
}
