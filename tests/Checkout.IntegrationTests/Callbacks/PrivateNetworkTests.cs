using Checkout.Core.Callbacks;
using Checkout.Core.Orders;
using Checkout.IntegrationTests.Infrastructure;
using Checkout.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Checkout.IntegrationTests.Callbacks;

public sealed class PrivateNetworkTests
{
    [Fact]
    public async Task CallbackToLoopback_IsRefusedAndRecorded_WhenPrivateNetworksAreNotAllowed()
    {
        var settings = CallbackAppFixture.Settings(["00:00:00.2"]);
        settings["Checkout:Callbacks:AllowPrivateNetworks"] = "false";
        var app = new CheckoutApp(settings: settings);
        try
        {
            await using var receiver = await CallbackReceiver.StartAsync();
            var merchant = await app.MerchantAsync();
            var orderId = await merchant.CreateOrderWithCallbackAsync(receiver.Url); // 127.0.0.1 is one of the merchant's hosts

            await app.PayAsync(orderId);

            var delivery = await app.DeliveryInStatusAsync(orderId, OrderEventTypes.Succeeded, CallbackDeliveryStatus.Failed);
            Assert.Equal(2, delivery.Attempts.Count);
            Assert.All(delivery.Attempts, a =>
            {
                Assert.Null(a.StatusCode);
                Assert.Contains("Refused to connect to 127.0.0.1", a.Error);
                Assert.Contains("AllowPrivateNetworks", a.Error);
            });
            Assert.Empty(receiver.Received);
        }
        finally
        {
            await app.DisposeAsync();
            CheckoutApp.DeleteDatabase(app.DatabasePath);
        }
    }

    [Theory]
    [InlineData("Development", null, null, true)]
    [InlineData("Production", null, null, false)]
    [InlineData("Production", "true", null, true)]
    [InlineData("Development", "false", null, false)]
    [InlineData("Development", null, "false", false)]
    [InlineData("Production", null, "true", true)]
    public async Task AllowPrivateNetworks_FollowsTheSandboxSwitch_UnlessConfigured(string environment, string? sandbox, string? allowPrivate, bool allowed)
    {
        // The host's registrations alone (built, not started): what the options resolve to.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment, Args = [] });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Checkout:Sandbox:Enabled"] = sandbox,
            ["Checkout:Callbacks:AllowPrivateNetworks"] = allowPrivate,
        }.Where(kv => kv.Value is not null));
        builder.AddCheckout();
        await using var app = builder.Build();

        Assert.Equal(allowed, app.Services.GetRequiredService<IOptions<CallbackOptions>>().Value.AllowPrivateNetworks);
    }
}
