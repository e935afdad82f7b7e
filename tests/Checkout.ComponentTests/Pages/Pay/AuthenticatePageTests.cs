using System.Reflection;
using Bunit;
using Bunit.TestDoubles;
using Checkout.ComponentTests.Infrastructure;
using Checkout.Core.Orders;
using Checkout.Core.Payments;
using Checkout.Web.Components.Pages.Pay;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.ComponentTests.Pages.Pay;

/// <summary>The simulated issuer's 3-D Secure challenge at /pay/{id}/authenticate.</summary>
public class AuthenticatePageTests : PageTestContext
{
    /// <summary>An order whose 3-D Secure card put it in requires_action, as the approve page or the API leaves it.</summary>
    private async Task<Order> ChallengedOrderAsync(CaptureMethod capture = CaptureMethod.Automatic, TimeSpan? expiresIn = null)
    {
        var order = Order.Create(new NewOrder(1999, "EUR", "Green tea", "r1", CheckoutData.SuccessUrl, CheckoutData.ErrorUrl, null,
            capture, null, expiresIn ?? TimeSpan.FromMinutes(30)), CheckoutData.MerchantId, PageTestContext.Start);
        await WithDbAsync(db => db.SaveAsync(order));
        await using var scope = Context.Services.CreateAsyncScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<OrderPayments>()
            .ConfirmAsync(order.Id, null, new PaymentChoice.ProcessorToken("pm_card_3ds"), CancellationToken.None);
        Assert.Equal(OrderStatus.RequiresAction, outcome.Order.Status);
        return order;
    }

    private IRenderedComponent<AuthenticatePage> Render(string orderId)
    {
        var cut = Context.Render<AuthenticatePage>(p => p.Add(c => c.OrderId, orderId));
        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find(".pay-page").GetAttribute("data-ready")));
        return cut;
    }

    private static Task ClickAsync(IRenderedComponent<AuthenticatePage> cut, string text) =>
        cut.InvokeAsync(() => cut.FindAll("button").Single(b => b.TextContent.Trim() == text).Click());

    private Task<Order> ReloadAsync(Order order) =>
        WithDbAsync(db => db.Orders.AsNoTracking().SingleAsync(o => o.Id == order.Id));

    private NavigationHistory? LastNavigation() =>
        Context.Services.GetRequiredService<BunitNavigationManager>().History.FirstOrDefault();

    [Fact]
    public void ChallengePage_IsTheBanksPage_AndNeedsNoSignIn()
    {
        Assert.NotNull(typeof(AuthenticatePage).GetCustomAttribute<AllowAnonymousAttribute>());
        Assert.Null(typeof(AuthenticatePage).GetCustomAttribute<AuthorizeAttribute>());
        Assert.Equal("/pay/{OrderId}/authenticate", typeof(AuthenticatePage).GetCustomAttribute<RouteAttribute>()!.Template);
    }

    [Fact]
    public async Task ChallengePage_ShowsMerchantAmountAndCard_WithCompleteAndFailButtons()
    {
        var order = await ChallengedOrderAsync();

        var cut = Render(order.Id);

        Assert.Equal("Confirm your payment", cut.Find("h1").TextContent);
        Assert.Equal("Demo Merchant", cut.Find("[data-testid=merchant-name]").TextContent);
        Assert.Equal("€19.99", cut.Find("[data-testid=order-amount]").TextContent);
        Assert.Equal("Visa •••• 3184", cut.Find("[data-testid=card]").TextContent);
        Assert.Single(cut.FindAll("button"), b => b.TextContent.Trim() == "Complete authentication");
        Assert.Single(cut.FindAll("button"), b => b.TextContent.Trim() == "Fail authentication");
    }

    [Fact]
    public async Task CompleteAuthentication_PaysTheOrder_AndGoesToTheSuccessUrl()
    {
        var order = await ChallengedOrderAsync();
        var cut = Render(order.Id);

        await ClickAsync(cut, "Complete authentication");

        cut.WaitForAssertion(() => Assert.Equal(
            $"https://shop.example/ok?cart=7&order_id={order.Id}&status=succeeded&reference=r1", LastNavigation()?.Uri));
        Assert.True(LastNavigation()!.Options.ForceLoad);
        var stored = await ReloadAsync(order);
        Assert.Equal(OrderStatus.Succeeded, stored.Status);
        Assert.Equal(1999, stored.AmountCaptured);
    }

    [Fact]
    public async Task CompleteAuthentication_ForManualCapture_AuthorizesAndGoesToTheSuccessUrl()
    {
        var order = await ChallengedOrderAsync(CaptureMethod.Manual);
        var cut = Render(order.Id);

        await ClickAsync(cut, "Complete authentication");

        cut.WaitForAssertion(() => Assert.Contains("status=authorized", LastNavigation()?.Uri, StringComparison.Ordinal));
        Assert.Equal(OrderStatus.Authorized, (await ReloadAsync(order)).Status);
    }

    [Fact]
    public async Task FailAuthentication_ReopensTheOrder_AndGoesBackToTheApprovePage()
    {
        var order = await ChallengedOrderAsync();
        var cut = Render(order.Id);

        await ClickAsync(cut, "Fail authentication");

        cut.WaitForAssertion(() => Assert.Equal($"/pay/{order.Id}", LastNavigation()?.Uri));
        Assert.True(LastNavigation()!.Options.ForceLoad);
        var stored = await ReloadAsync(order);
        Assert.Equal(OrderStatus.Created, stored.Status);
        Assert.Equal("authentication_failed", stored.LastPaymentError?.Code);
    }

    [Fact]
    public async Task FailAuthentication_OnTheLastAllowedAttempt_FailsTheOrder_AndGoesToTheErrorUrl()
    {
        var order = await ChallengedOrderAsync();
        await using (var scope = Context.Services.CreateAsyncScope())
        {
            // Four declines on the way: the failed challenge is the fifth failure.
            var payments = scope.ServiceProvider.GetRequiredService<OrderPayments>();
            await payments.AuthenticateAsync(order.Id, authenticated: false, CancellationToken.None);
            for (var i = 0; i < 3; i++)
                await payments.ConfirmAsync(order.Id, null, new PaymentChoice.ProcessorToken("pm_card_declined"), CancellationToken.None);
            await payments.ConfirmAsync(order.Id, null, new PaymentChoice.ProcessorToken("pm_card_3ds"), CancellationToken.None);
        }
        var cut = Render(order.Id);

        await ClickAsync(cut, "Fail authentication");

        cut.WaitForAssertion(() => Assert.Equal(
            $"https://shop.example/err?order_id={order.Id}&status=failed&reference=r1", LastNavigation()?.Uri));
        Assert.Equal(OrderStatus.Failed, (await ReloadAsync(order)).Status);
    }

    [Fact]
    public async Task ChallengePage_ForAnOrderNotWaitingForIt_ShowsItsStateAndAReturnToShopLink()
    {
        var order = CheckoutData.Order(PageTestContext.Start, reference: "r1");
        order.Cancel(PageTestContext.Start);
        await WithDbAsync(db => db.SaveAsync(order));

        var cut = Render(order.Id);

        Assert.Empty(cut.FindAll("button"));
        Assert.Contains("canceled", cut.Find("[data-testid=order-state]").TextContent, StringComparison.Ordinal);
        var back = cut.FindAll("a").Single(a => a.TextContent.Trim() == "Return to shop");
        Assert.Equal($"https://shop.example/err?order_id={order.Id}&status=canceled&reference=r1", back.GetAttribute("href"));
    }

    [Fact]
    public async Task ChallengePage_ForAnOpenOrder_OffersTheWayBackToThePayment()
    {
        var order = CheckoutData.Order(PageTestContext.Start, reference: "r1");
        await WithDbAsync(db => db.SaveAsync(order));

        var cut = Render(order.Id);

        Assert.Empty(cut.FindAll("button"));
        Assert.Equal($"/pay/{order.Id}", cut.FindAll("a").Single(a => a.TextContent.Trim() == "Back to payment").GetAttribute("href"));
        Assert.Single(cut.FindAll("a"), a => a.TextContent.Trim() == "Return to shop");
    }

    [Fact]
    public async Task ChallengePage_AnsweredTooLate_ExpiresTheOrderInsteadOfPayingIt()
    {
        var order = await ChallengedOrderAsync(expiresIn: TimeSpan.FromMinutes(5));
        var cut = Render(order.Id);
        Clock.Advance(TimeSpan.FromMinutes(6));

        await ClickAsync(cut, "Complete authentication");

        cut.WaitForAssertion(() => Assert.Contains("expired", cut.Find("[data-testid=order-state]").TextContent, StringComparison.Ordinal));
        Assert.Null(LastNavigation());
        Assert.Equal(OrderStatus.Expired, (await ReloadAsync(order)).Status);
    }

    [Fact]
    public void ChallengePage_ForAnUnknownOrder_SaysSo()
    {
        var cut = Render("ord_missing");

        Assert.Equal("Payment not found", cut.Find("h1").TextContent);
        Assert.Empty(cut.FindAll("button"));
    }
}
