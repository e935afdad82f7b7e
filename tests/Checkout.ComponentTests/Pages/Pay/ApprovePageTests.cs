using Checkout.Core.Payments.Processors;
using Bunit;
using Bunit.TestDoubles;
using Checkout.ComponentTests.Infrastructure;
using Checkout.Core.Orders;
using Checkout.Web.Components.Pages.Pay;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.ComponentTests.Pages.Pay;

public class ApprovePageTests : PageTestContext
{
    private async Task<Order> SeedAsync(Order order, long? walletBalance = 100_000)
    {
        await WithDbAsync(db => walletBalance is { } balance
            ? db.SaveAsync(order, CheckoutData.Wallet(ShopperId, order.Currency, balance))
            : db.SaveAsync(order));
        return order;
    }

    private IRenderedComponent<ApprovePage> Render(Order order)
    {
        var cut = Context.Render<ApprovePage>(p => p.Add(c => c.OrderId, order.Id));
        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find(".pay-page").GetAttribute("data-ready")));
        return cut;
    }

    private Task<Order> ReloadAsync(Order order) =>
        WithDbAsync(db => db.Orders.AsNoTracking().SingleAsync(o => o.Id == order.Id));

    private static IReadOnlyList<AngleSharp.Dom.IElement> Buttons(IRenderedComponent<ApprovePage> cut, string text) =>
        cut.FindAll("button").Where(b => b.TextContent.Trim() == text).ToList();

    private NavigationHistory LastNavigation() =>
        Context.Services.GetRequiredService<BunitNavigationManager>().History.First();

    [Fact]
    public async Task ApprovePage_ShowsMerchantNameDescriptionReferenceAndFormattedAmount()
    {
        var order = await SeedAsync(CheckoutData.Order(PageTestContext.Start, amount: 1999, currency: "EUR", description: "Green tea", reference: "r-42"));

        var cut = Render(order);

        Assert.Equal("Approve payment", cut.Find("h1").TextContent);
        Assert.Equal("Demo Merchant", cut.Find("[data-testid=merchant-name]").TextContent);
        Assert.Equal("€19.99", cut.Find("[data-testid=order-amount]").TextContent);
        Assert.Equal("Green tea", cut.Find("[data-testid=order-description]").TextContent);
        Assert.Equal("r-42", cut.Find("[data-testid=order-reference]").TextContent);
        Assert.Equal("€1,000.00", cut.Find("[data-testid=wallet-balance]").TextContent);
        Assert.Single(Buttons(cut, "Approve"));
        Assert.Single(Buttons(cut, "Cancel"));
    }

    [Fact]
    public async Task ApprovePage_NamesThePaymentMethodGroupForScreenReaders()
    {
        var order = await SeedAsync(CheckoutData.Order(PageTestContext.Start));

        var cut = Render(order);

        var group = cut.Find("[role=radiogroup]");
        Assert.Equal("Payment method", cut.Find($"#{group.GetAttribute("aria-labelledby")}").TextContent);
    }

    [Fact]
    public async Task ApprovePage_ShowsAScriptInTheDescriptionAsTextNotAsAnElement()
    {
        const string hostile = "<script>alert('x')</script><b>bold</b>";
        var order = await SeedAsync(CheckoutData.Order(PageTestContext.Start, description: hostile));

        var cut = Render(order);

        Assert.Empty(cut.FindAll("script"));
        Assert.Empty(cut.FindAll("[data-testid=order-description] b"));
        Assert.Equal(hostile, cut.Find("[data-testid=order-description]").TextContent);
        Assert.Contains("&lt;script&gt;", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApprovePage_FormatsAZeroDecimalCurrencyWithoutDecimals()
    {
        var order = await SeedAsync(CheckoutData.Order(PageTestContext.Start, amount: 1999, currency: "JPY"), walletBalance: 5000);

        var cut = Render(order);

        Assert.Equal("¥1,999", cut.Find("[data-testid=order-amount]").TextContent);
        Assert.Equal("¥5,000", cut.Find("[data-testid=wallet-balance]").TextContent);
    }

    [Fact]
    public async Task ApprovePage_Approve_DebitsTheWalletOnceAndGoesToTheSuccessUrlWithTheOrderParameters()
    {
        var order = await SeedAsync(CheckoutData.Order(PageTestContext.Start, amount: 1999, reference: "r1"), walletBalance: 5000);
        var cut = Render(order);

        await cut.InvokeAsync(() => Buttons(cut, "Approve").Single().Click());

        cut.WaitForAssertion(() => Assert.Equal(
            $"https://shop.example/ok?cart=7&order_id={order.Id}&status=succeeded&reference=r1", LastNavigation().Uri));
        Assert.True(LastNavigation().Options.ForceLoad);
        Assert.Equal(OrderStatus.Succeeded, (await ReloadAsync(order)).Status);
        var balance = await WithDbAsync(db => db.WalletBalances.SingleAsync(w => w.ShopperId == ShopperId));
        Assert.Equal(5000 - 1999, balance.Amount);
        // Leaving for the shop keeps the buttons disabled, so a second click cannot start anything.
        Assert.True(Buttons(cut, "Approve").Single().HasAttribute("disabled"));
    }

    [Fact]
    public async Task ApprovePage_RevisitingAPaidOrder_ShowsItsStateAndNoApproveButton()
    {
        var order = CheckoutData.Order(PageTestContext.Start, reference: "r1");
        order.RecordAttempt("wallet", PaymentSource.Wallet("shp_other"),
            new ProcessorResult(ProcessorStatus.Captured, "wal_shp_other_" + order.Id), maxAttempts: 5, PageTestContext.Start);
        await SeedAsync(order);

        var cut = Render(order);

        Assert.Empty(Buttons(cut, "Approve"));
        Assert.Contains("This order has already been paid.", cut.Find("[data-testid=order-state]").TextContent);
        var back = cut.FindAll("a").Single(a => a.TextContent.Trim() == "Return to shop");
        Assert.Equal($"https://shop.example/ok?cart=7&order_id={order.Id}&status=succeeded&reference=r1", back.GetAttribute("href"));
    }

    [Fact]
    public async Task ApprovePage_RevisitingACanceledOrder_LinksBackToTheErrorUrl()
    {
        var order = CheckoutData.Order(PageTestContext.Start, reference: "r1");
        order.Cancel(PageTestContext.Start);
        await SeedAsync(order);

        var cut = Render(order);

        Assert.Empty(Buttons(cut, "Approve"));
        Assert.Contains("canceled", cut.Find("[data-testid=order-state]").TextContent);
        var back = cut.FindAll("a").Single(a => a.TextContent.Trim() == "Return to shop");
        Assert.Equal($"https://shop.example/err?order_id={order.Id}&status=canceled&reference=r1", back.GetAttribute("href"));
    }

    [Fact]
    public async Task ApprovePage_InsufficientBalance_ExplainsItKeepsTheOrderOpenAndReturnsToTheErrorUrl()
    {
        var order = await SeedAsync(CheckoutData.Order(PageTestContext.Start, amount: 1999, reference: "r1"), walletBalance: 500);
        var cut = Render(order);

        await cut.InvokeAsync(() => Buttons(cut, "Approve").Single().Click());

        cut.WaitForAssertion(() => Assert.Equal(
            "Your wallet balance (€5.00) is too low to pay €19.99.", cut.Find("[data-testid=payment-error]").TextContent.Trim()));
        var stored = await ReloadAsync(order);
        Assert.Equal(OrderStatus.Created, stored.Status);
        Assert.Equal("insufficient_funds", stored.LastPaymentError?.Code);

        await cut.InvokeAsync(() => Buttons(cut, "Return to shop").Single().Click());

        Assert.Equal($"https://shop.example/err?order_id={order.Id}&status=created&reference=r1", LastNavigation().Uri);
        Assert.True(LastNavigation().Options.ForceLoad);
    }

    [Fact]
    public async Task ApprovePage_Cancel_CancelsTheOrderAndGoesToTheErrorUrl()
    {
        var order = await SeedAsync(CheckoutData.Order(PageTestContext.Start, reference: "r1"));
        var cut = Render(order);

        await cut.InvokeAsync(() => Buttons(cut, "Cancel").Single().Click());

        cut.WaitForAssertion(() => Assert.Equal(
            $"https://shop.example/err?order_id={order.Id}&status=canceled&reference=r1", LastNavigation().Uri));
        Assert.Equal(OrderStatus.Canceled, (await ReloadAsync(order)).Status);
        var events = await WithDbAsync(db => db.CallbackEvents.Select(e => e.Type).ToListAsync());
        Assert.Contains(OrderEventTypes.Canceled, events);
    }

    [Fact]
    public async Task ApprovePage_Approve_FindsTheOrderPaidInAnotherTabAndChargesNothingMore()
    {
        var order = await SeedAsync(CheckoutData.Order(PageTestContext.Start, amount: 1999), walletBalance: 5000);
        var firstTab = Render(order);
        var secondTab = Render(order);

        await firstTab.InvokeAsync(() => Buttons(firstTab, "Approve").Single().Click());
        await secondTab.InvokeAsync(() => Buttons(secondTab, "Approve").Single().Click());

        // Both tabs land on the success page: the order is paid, just not twice.
        var navigations = Context.Services.GetRequiredService<BunitNavigationManager>().History;
        await EventuallyAsync(() => Task.FromResult(navigations.Count(n => n.Uri.Contains("status=succeeded", StringComparison.Ordinal)) == 2));
        var balance = await WithDbAsync(db => db.WalletBalances.SingleAsync(w => w.ShopperId == ShopperId));
        Assert.Equal(5000 - 1999, balance.Amount);
    }

    [Fact]
    public async Task ApprovePage_CountdownTicksEverySecondAndShowsTheExpiredStateAtZero()
    {
        var order = await SeedAsync(CheckoutData.Order(PageTestContext.Start, reference: "r1", expiresIn: TimeSpan.FromSeconds(90)));
        var cut = Render(order);
        Assert.Equal("Expires in 01:30", cut.Find("[data-testid=expires-in]").TextContent);

        Clock.Advance(TimeSpan.FromSeconds(1));
        cut.WaitForAssertion(() => Assert.Equal("Expires in 01:29", cut.Find("[data-testid=expires-in]").TextContent));

        Clock.Advance(TimeSpan.FromSeconds(89));
        cut.WaitForAssertion(() => Assert.Contains("expired", cut.Find("[data-testid=order-state]").TextContent));
        Assert.Empty(Buttons(cut, "Approve"));
        Assert.Equal(OrderStatus.Expired, (await ReloadAsync(order)).Status);
        var back = cut.FindAll("a").Single(a => a.TextContent.Trim() == "Return to shop");
        Assert.Equal($"https://shop.example/err?order_id={order.Id}&status=expired&reference=r1", back.GetAttribute("href"));
    }

    [Fact]
    public void ApprovePage_ShowsNotFoundForAnUnknownOrder()
    {
        var cut = Context.Render<ApprovePage>(p => p.Add(c => c.OrderId, "ord_missing"));

        cut.WaitForAssertion(() => Assert.Equal("Order not found", cut.Find("h1").TextContent));
        Assert.Empty(Buttons(cut, "Approve"));
    }

    [Fact]
    public async Task ApprovePage_IsNotReadyAndCannotBeClickedWhilePrerendering()
    {
        var order = await SeedAsync(CheckoutData.Order(PageTestContext.Start));
        Context.SetRendererInfo(new RendererInfo("Static", isInteractive: false));

        var cut = Context.Render<ApprovePage>(p => p.Add(c => c.OrderId, order.Id));

        cut.WaitForAssertion(() => Assert.Single(Buttons(cut, "Approve")));
        Assert.Equal("false", cut.Find(".pay-page").GetAttribute("data-ready"));
        Assert.True(Buttons(cut, "Approve").Single().HasAttribute("disabled"));
    }
}
