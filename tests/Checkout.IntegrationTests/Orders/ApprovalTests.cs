using Checkout.Core.Data;
using Checkout.Core.Orders;
using Checkout.Core.Payments;
using Checkout.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.IntegrationTests.Orders;

[Collection(ApiCollection.Name)]
public class ApprovalTests(AppFixture fixture)
{
    [Fact]
    public async Task Approve_DebitsTheWalletAndCapturesInOneGo()
    {
        var merchant = await fixture.MerchantAsync();
        var id = (await merchant.CreateOrderOkAsync(Infrastructure.Orders.Valid(amount: 1250, currency: "GBP")))["id"]!.GetValue<string>();
        var shopperId = await SandboxShopperIdAsync();
        var before = await BalanceAsync(shopperId, "GBP");

        var result = await ApproveAsync(id, shopperId);

        Assert.Null(result.Error);
        Assert.Equal(OrderStatus.Succeeded, result.Order.Status);
        Assert.Equal(before - 1250, await BalanceAsync(shopperId, "GBP"));
        var order = await merchant.GetOrderAsync(id);
        Assert.Equal("succeeded", order["status"]!.GetValue<string>());
        Assert.Equal(1250, order["amount_captured"]!.GetValue<long>());
        Assert.Equal("wallet", order["payment_method"]!.GetValue<string>());
        Assert.Equal([OrderEventTypes.Succeeded], await EventTypesAsync(id));
    }

    [Fact]
    public async Task ConcurrentApprovals_DebitTheWalletExactlyOnce()
    {
        var merchant = await fixture.MerchantAsync();
        var id = (await merchant.CreateOrderOkAsync(Infrastructure.Orders.Valid(amount: 700, currency: "CHF")))["id"]!.GetValue<string>();
        var shopperId = await SandboxShopperIdAsync();
        var before = await BalanceAsync(shopperId, "CHF");

        var results = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => Task.Run(() => ApproveAsync(id, shopperId))));

        Assert.All(results, r => Assert.Equal(OrderStatus.Succeeded, r.Order.Status));
        Assert.Equal(before - 700, await BalanceAsync(shopperId, "CHF"));
        Assert.Equal([OrderEventTypes.Succeeded], await EventTypesAsync(id));
    }

    [Fact]
    public async Task InsufficientBalance_LeavesTheOrderOpenWithTheErrorAndChargesNothing()
    {
        var merchant = await fixture.MerchantAsync();
        var shopperId = await SandboxShopperIdAsync();
        var balance = await BalanceAsync(shopperId, "SEK");
        var id = (await merchant.CreateOrderOkAsync(Infrastructure.Orders.Valid(amount: balance + 1, currency: "SEK")))["id"]!.GetValue<string>();

        var result = await ApproveAsync(id, shopperId);

        Assert.Equal("insufficient_funds", result.Error?.Code);
        Assert.Equal(balance, await BalanceAsync(shopperId, "SEK"));
        var order = await merchant.GetOrderAsync(id);
        Assert.Equal("created", order["status"]!.GetValue<string>());
        Assert.Equal("insufficient_funds", order["last_payment_error"]!["code"]!.GetValue<string>());
        Assert.Equal([OrderEventTypes.PaymentFailed], await EventTypesAsync(id));
    }

    [Fact]
    public async Task CanceledOrder_CannotBePaid()
    {
        var merchant = await fixture.MerchantAsync();
        var id = (await merchant.CreateOrderOkAsync(Infrastructure.Orders.Valid(amount: 300, currency: "NOK")))["id"]!.GetValue<string>();
        using var _ = await merchant.PostJsonAsync($"/api/v1/orders/{id}/cancel", "{}");
        var shopperId = await SandboxShopperIdAsync();
        var before = await BalanceAsync(shopperId, "NOK");

        var result = await ApproveAsync(id, shopperId);

        Assert.Equal(OrderStatus.Canceled, result.Order.Status);
        Assert.Equal(before, await BalanceAsync(shopperId, "NOK"));
    }

    private async Task<PaymentOutcome> ApproveAsync(string orderId, string shopperId)
    {
        await using var scope = fixture.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OrderPayments>().ConfirmAsync(orderId, null, new PaymentChoice.Wallet(shopperId), CancellationToken.None);
    }

    private async Task<string> SandboxShopperIdAsync()
    {
        await using var scope = fixture.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CheckoutDbContext>().Shoppers
            .Where(s => s.Email == "shopper@example.com").Select(s => s.Id).SingleAsync();
    }

    private async Task<long> BalanceAsync(string shopperId, string currency)
    {
        await using var scope = fixture.App.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CheckoutDbContext>().WalletBalances
            .Where(w => w.ShopperId == shopperId && w.Currency == currency).Select(w => w.Amount).SingleAsync();
    }

    private async Task<List<string>> EventTypesAsync(string orderId)
    {
        await using var scope = fixture.App.Services.CreateAsyncScope();
        var events = await scope.ServiceProvider.GetRequiredService<CheckoutDbContext>().CallbackEvents
            .Where(e => e.Body.Contains(orderId)).OrderBy(e => e.CreatedAt).Select(e => e.Type).ToListAsync();
        return events;
    }
}
