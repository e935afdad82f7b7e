using AngleSharp.Dom;
using Bunit;
using Bunit.TestDoubles;
using Checkout.ComponentTests.Infrastructure;
using Checkout.Core.Common;
using Checkout.Core.Orders;
using Checkout.Core.Payments.Sandbox;
using Checkout.Web.Components.Pages.Pay;
using Checkout.Web.Components.Pages.Pay.Cards;
using Checkout.Web.Sandbox;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.ComponentTests.Pages.Pay;

/// <summary>The approve page's cards: saved cards, the New card form and its checks, and each sandbox outcome.</summary>
public class ApprovePageCardTests : PageTestContext
{
    // The page's clock starts on 24 November 2026: 11/26 is still good, 10/26 has expired.
    private const string FutureExpiry = "12/29";

    private async Task<Order> SeedAsync(Order? order = null, bool savedTestCards = false)
    {
        order ??= CheckoutData.Order(PageTestContext.Start, amount: 1999, reference: "r1");
        await WithDbAsync(async db =>
        {
            await db.SaveAsync(order, CheckoutData.Wallet(ShopperId, order.Currency, 100_000));
            if (savedTestCards)
            {
                await using var scope = Context.Services.CreateAsyncScope();
                var seeder = scope.ServiceProvider.GetRequiredService<SandboxSeeder>();
                seeder.SaveTestCards(ShopperId, PageTestContext.Start);
                await scope.ServiceProvider.GetRequiredService<Core.Data.CheckoutDbContext>().SaveChangesAsync();
            }
        });
        return order;
    }

    private IRenderedComponent<ApprovePage> Render(Order order)
    {
        var cut = Context.Render<ApprovePage>(p => p.Add(c => c.OrderId, order.Id));
        cut.WaitForAssertion(() => Assert.Equal("true", cut.Find(".pay-page").GetAttribute("data-ready")));
        return cut;
    }

    private static IElement Radio(IRenderedComponent<ApprovePage> cut, string labelStartsWith) =>
        cut.FindAll("label.pay-method").Single(l => l.TextContent.Trim().StartsWith(labelStartsWith, StringComparison.Ordinal))
            .QuerySelector("input[type=radio]")!;

    private static async Task ChooseAsync(IRenderedComponent<ApprovePage> cut, string labelStartsWith) =>
        await cut.InvokeAsync(() => Radio(cut, labelStartsWith).Change(true));

    private static async Task ChooseNewCardAsync(IRenderedComponent<ApprovePage> cut)
    {
        await ChooseAsync(cut, "New card");
        cut.WaitForElement("[data-testid=card-number]");
    }

    private static async Task TypeAsync(IRenderedComponent<ApprovePage> cut, string field, string text, bool leave = false)
    {
        await cut.InvokeAsync(() => cut.Find($"[data-testid={field}]").Input(text));
        if (leave) await cut.InvokeAsync(() => cut.Find($"[data-testid={field}]").Blur());
    }

    private static async Task TypeCardAsync(IRenderedComponent<ApprovePage> cut, string number, string expiry = FutureExpiry, string cvc = "123", string name = "Ada Shopper")
    {
        await TypeAsync(cut, "card-number", number);
        await TypeAsync(cut, "card-expiry", expiry);
        await TypeAsync(cut, "card-cvc", cvc);
        await TypeAsync(cut, "card-name", name);
    }

    private static Task ApproveAsync(IRenderedComponent<ApprovePage> cut) =>
        cut.InvokeAsync(() => cut.FindAll("button").Single(b => b.TextContent.Trim() == "Approve").Click());

    /// <summary>The error texts shown under the fields.</summary>
    private static List<string> FieldErrors(IRenderedComponent<ApprovePage> cut) =>
        cut.FindAll(".card-field-error").Select(e => e.TextContent.Trim()).Where(t => t.Length > 0).ToList();

    private Task<Order> ReloadAsync(Order order) =>
        WithDbAsync(db => db.Orders.AsNoTracking().SingleAsync(o => o.Id == order.Id));

    private NavigationHistory? LastNavigation() =>
        Context.Services.GetRequiredService<BunitNavigationManager>().History.FirstOrDefault();

    [Fact]
    public async Task SavedCards_AreListedByBrandLast4AndExpiry_AndNoFullCardNumberIsInTheMarkup()
    {
        var order = await SeedAsync(savedTestCards: true);

        var cut = Render(order);

        var labels = cut.FindAll("[data-testid=saved-card]").Select(e => e.TextContent.Trim()).ToList();
        Assert.Equal(TestCards.All.Count, labels.Count);
        var expiry = $"12/{(PageTestContext.Start.Year + 5) % 100:00}";
        Assert.Contains($"Visa •••• 4242, exp {expiry}", labels);
        Assert.Contains($"Visa •••• 3184, exp {expiry}", labels);
        Assert.Contains("New card", cut.FindAll("label.pay-method").Select(l => l.TextContent.Trim()));
        foreach (var card in TestCards.All)
        {
            Assert.DoesNotContain(card.Number, cut.Markup, StringComparison.Ordinal);
            Assert.DoesNotContain(string.Join(' ', card.Number.Chunk(4).Select(c => new string(c))), cut.Markup, StringComparison.Ordinal);
            Assert.DoesNotContain(card.Number[..12], cut.Markup, StringComparison.Ordinal);
        }
        // Nor the processor's tokens: they are not the shopper's business either.
        var tokens = await WithDbAsync(db => db.SavedCards.Select(c => c.ProcessorToken).ToListAsync());
        Assert.All(tokens, t => Assert.DoesNotContain(t, cut.Markup, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SavedCards_OfAnotherShopper_AreNotListed()
    {
        var order = await SeedAsync();
        var other = CheckoutData.Shopper("other@example.com", "Other123!", PageTestContext.Start);
        await WithDbAsync(db => db.SaveAsync(other, Core.Shoppers.SavedCard.Create(other.Id, "visa", "1881", 1, 2030, "tok_x", PageTestContext.Start)));

        var cut = Render(order);

        Assert.Empty(cut.FindAll("[data-testid=saved-card]"));
        Assert.DoesNotContain("1881", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SavedCard_ThatHasExpired_IsShownAsExpiredAndCannotBeChosen()
    {
        var order = await SeedAsync();
        await WithDbAsync(db => db.SaveAsync(Core.Shoppers.SavedCard.Create(ShopperId, "mastercard", "4444", 10, 2026, "tok_sbx_succeeds_x", PageTestContext.Start)));

        var cut = Render(order);

        Assert.Equal("Mastercard •••• 4444, exp 10/26 (expired)", cut.Find("[data-testid=saved-card]").TextContent.Trim());
        Assert.True(Radio(cut, "Mastercard").HasAttribute("disabled"));
    }

    [Theory]
    [InlineData("4", "Visa")]
    [InlineData("4242 4242", "Visa")]
    [InlineData("5555 5555", "Mastercard")]
    [InlineData("2221 00", "Mastercard")]
    [InlineData("3782", "American Express")]
    [InlineData("6011", "Discover")]
    [InlineData("3530", "JCB")]
    [InlineData("9", "")]
    public async Task NewCard_ShowsTheBrandAsTheNumberIsTyped(string typed, string brand)
    {
        var order = await SeedAsync();
        var cut = Render(order);
        await ChooseNewCardAsync(cut);

        await TypeAsync(cut, "card-number", typed);

        Assert.Equal(brand, cut.Find("[data-testid=card-brand]").TextContent.Trim());
        Assert.Empty(FieldErrors(cut)); // a number still being typed is not wrong yet
    }

    [Fact]
    public async Task NewCard_HasTheFieldsLabelledAsShoppersExpect()
    {
        var order = await SeedAsync();
        var cut = Render(order);
        await ChooseNewCardAsync(cut);

        var labels = cut.FindAll("label.card-field-label").ToDictionary(l => l.TextContent.Trim(), l => l.GetAttribute("for"));
        Assert.Equal(cut.Find("[data-testid=card-number]").Id, labels["Card number"]);
        Assert.Equal(cut.Find("[data-testid=card-expiry]").Id, labels["Expiry (MM/YY)"]);
        Assert.Equal(cut.Find("[data-testid=card-cvc]").Id, labels["CVC"]);
        Assert.Equal(cut.Find("[data-testid=card-name]").Id, labels["Name on card"]);
        Assert.Equal("cc-number", cut.Find("[data-testid=card-number]").GetAttribute("autocomplete"));
        Assert.Equal("numeric", cut.Find("[data-testid=card-number]").GetAttribute("inputmode"));
        Assert.Contains("Save card for next time", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewCard_WithABadCheckDigit_SaysTheNumberIsNotValid_AsSoonAsAllDigitsAreTyped()
    {
        var order = await SeedAsync();
        var cut = Render(order);
        await ChooseNewCardAsync(cut);

        await TypeAsync(cut, "card-number", "4242 4242 4242 4241");

        Assert.Equal(["This card number is not valid. Check it and try again."], FieldErrors(cut));
        Assert.Equal("true", cut.Find("[data-testid=card-number]").GetAttribute("aria-invalid"));
        // Screen readers read the message with the field.
        var describedBy = cut.Find("[data-testid=card-number]").GetAttribute("aria-describedby");
        Assert.NotNull(describedBy);
        Assert.Equal("This card number is not valid. Check it and try again.", cut.Find($"#{describedBy}").TextContent.Trim());

        await TypeAsync(cut, "card-number", "4242 4242 4242 4242");

        Assert.Empty(FieldErrors(cut));
    }

    [Fact]
    public async Task NewCard_WithLettersInTheNumber_SaysSoWhenTheShopperLeavesTheField()
    {
        var order = await SeedAsync();
        var cut = Render(order);
        await ChooseNewCardAsync(cut);

        await TypeAsync(cut, "card-number", "4242 42O4", leave: true);

        Assert.Equal(["A card number has digits only."], FieldErrors(cut));
    }

    [Theory]
    [InlineData("10/26", "This card has expired.")]
    [InlineData("01/2025", "This card has expired.")]
    [InlineData("13/29", "Enter the expiry date as MM/YY, for example 04/29.")]
    [InlineData("soon", "Enter the expiry date as MM/YY, for example 04/29.")]
    public async Task NewCard_WithAPastOrMalformedExpiry_SaysWhy(string expiry, string message)
    {
        var order = await SeedAsync();
        var cut = Render(order);
        await ChooseNewCardAsync(cut);

        await TypeAsync(cut, "card-expiry", expiry, leave: true);

        Assert.Equal([message], FieldErrors(cut));
    }

    [Theory]
    [InlineData("11/26")] // this month: good through its last day
    [InlineData("1229")]
    [InlineData("12/2029")]
    public async Task NewCard_AcceptsThisMonthAndLaterExpiries(string expiry)
    {
        var order = await SeedAsync();
        var cut = Render(order);
        await ChooseNewCardAsync(cut);

        await TypeAsync(cut, "card-expiry", expiry, leave: true);

        Assert.Empty(FieldErrors(cut));
    }

    [Fact]
    public async Task NewCard_WithAShortCvc_SaysItIsThreeDigits()
    {
        var order = await SeedAsync();
        var cut = Render(order);
        await ChooseNewCardAsync(cut);
        await TypeAsync(cut, "card-number", "4242 4242 4242 4242");

        await TypeAsync(cut, "card-cvc", "12", leave: true);

        Assert.Equal(["The CVC is 3 digits."], FieldErrors(cut));
    }

    [Fact]
    public async Task NewCard_ForAmericanExpress_WantsAFourDigitCvc()
    {
        var order = await SeedAsync();
        var cut = Render(order);
        await ChooseNewCardAsync(cut);
        await TypeAsync(cut, "card-number", "3782 822463 10005");

        await TypeAsync(cut, "card-cvc", "123", leave: true);

        Assert.Equal("American Express", cut.Find("[data-testid=card-brand]").TextContent.Trim());
        Assert.Equal(["The CVC is 4 digits on American Express cards."], FieldErrors(cut));

        await TypeAsync(cut, "card-cvc", "1234");

        Assert.Empty(FieldErrors(cut));
    }

    [Fact]
    public async Task NewCard_ApproveWithEmptyFields_ShowsEveryMissingField_AndChargesNothing()
    {
        var order = await SeedAsync();
        var cut = Render(order);
        await ChooseNewCardAsync(cut);

        await ApproveAsync(cut);

        Assert.Equal(
            ["Enter your card number.", "Enter the expiry date.", "Enter the security code (CVC).", "Enter the name as it appears on the card."],
            FieldErrors(cut));
        var stored = await ReloadAsync(order);
        Assert.Equal(OrderStatus.Created, stored.Status);
        Assert.Empty(stored.Attempts);
        Assert.Null(LastNavigation());
    }

    [Fact]
    public async Task NewCard_ThatIsDeclined_ShowsTheDeclineMessage_AndClearsTheNumberAndCvc()
    {
        var order = await SeedAsync();
        var cut = Render(order);
        await ChooseNewCardAsync(cut);
        await TypeCardAsync(cut, "4000 0000 0000 0002", cvc: "321", name: "Ada Shopper");

        await ApproveAsync(cut);

        cut.WaitForAssertion(() => Assert.Equal("Your card was declined. Try another card or payment method.",
            cut.Find("[data-testid=payment-error]").TextContent.Trim()));
        Assert.Null(LastNavigation()); // stays, so the shopper can read why and try another way
        Assert.Equal("", cut.Find("[data-testid=card-number]").GetAttribute("value") ?? "");
        Assert.Equal("", cut.Find("[data-testid=card-cvc]").GetAttribute("value") ?? "");
        Assert.DoesNotContain("4000 0000 0000 0002", cut.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("4000000000000002", cut.Markup, StringComparison.Ordinal);
        Assert.Empty(FieldErrors(cut)); // cleared fields are not shouted at before the shopper types again
        var stored = await ReloadAsync(order);
        Assert.Equal(OrderStatus.Created, stored.Status);
        Assert.Equal(new PaymentError("card_declined", "card_declined", "Your card was declined. Try another card or payment method."), stored.LastPaymentError);
        Assert.Equal(("visa", "0002"), (stored.Attempts.Single().CardBrand, stored.Attempts.Single().CardLast4));
        Assert.False(cut.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel").HasAttribute("disabled"));
    }

    [Theory]
    [InlineData("0002", "Your card was declined. Try another card or payment method.")]
    [InlineData("9995", "Your card has insufficient funds. Try another card or payment method.")]
    [InlineData("0069", "Your card has expired. Try another card.")]
    [InlineData("0127", "The card's security code (CVC) is incorrect. Check it or try another card.")]
    public async Task SavedCard_ThatIsDeclined_ShowsAHumanMessage_AndKeepsTheOrderOpen(string last4, string message)
    {
        var order = await SeedAsync(savedTestCards: true);
        var cut = Render(order);
        await ChooseAsync(cut, $"Visa •••• {last4}");

        await ApproveAsync(cut);

        cut.WaitForAssertion(() => Assert.Equal(message, cut.Find("[data-testid=payment-error]").TextContent.Trim()));
        Assert.Equal(OrderStatus.Created, (await ReloadAsync(order)).Status);
        Assert.Single(cut.FindAll("button"), b => b.TextContent.Trim() == "Approve");
    }

    [Fact]
    public async Task NewCard_ThatSucceeds_GoesToTheSuccessUrl_AndSavesOnlyBrandLast4ExpiryAndToken()
    {
        var order = await SeedAsync();
        var cut = Render(order);
        await ChooseNewCardAsync(cut);
        await TypeCardAsync(cut, "5555 5555 5555 4444", expiry: "07/30");
        await cut.InvokeAsync(() => cut.Find(".new-card input[type=checkbox]").Change(true));

        await ApproveAsync(cut);

        cut.WaitForAssertion(() => Assert.Equal(
            $"https://shop.example/ok?cart=7&order_id={order.Id}&status=succeeded&reference=r1", LastNavigation()?.Uri));
        var stored = await ReloadAsync(order);
        Assert.Equal(OrderStatus.Succeeded, stored.Status);
        Assert.Equal(("mastercard", "4444"), (stored.CardBrand, stored.CardLast4));
        var saved = await WithDbAsync(db => db.SavedCards.SingleAsync(c => c.ShopperId == ShopperId));
        Assert.Equal(("mastercard", "4444", 7, 2030), (saved.Brand, saved.Last4, saved.ExpMonth, saved.ExpYear));
        Assert.StartsWith("tok_sbx_", saved.ProcessorToken, StringComparison.Ordinal);
        Assert.DoesNotContain("5555", saved.ProcessorToken, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewCard_NotSaved_LeavesNoSavedCard()
    {
        var order = await SeedAsync();
        var cut = Render(order);
        await ChooseNewCardAsync(cut);
        await TypeCardAsync(cut, "4242 4242 4242 4242");

        await ApproveAsync(cut);

        cut.WaitForAssertion(() => Assert.Contains("status=succeeded", LastNavigation()?.Uri, StringComparison.Ordinal));
        Assert.Equal(0, await WithDbAsync(db => db.SavedCards.CountAsync()));
    }

    [Fact]
    public async Task NewCard_ThatIsDeclined_IsNotSaved_EvenWhenAskedTo()
    {
        var order = await SeedAsync();
        var cut = Render(order);
        await ChooseNewCardAsync(cut);
        await TypeCardAsync(cut, "4000 0000 0000 0002");
        await cut.InvokeAsync(() => cut.Find(".new-card input[type=checkbox]").Change(true));

        await ApproveAsync(cut);

        cut.WaitForAssertion(() => Assert.Equal("card_declined", ReloadAsync(order).GetAwaiter().GetResult().LastPaymentError?.DeclineCode));
        Assert.Equal(0, await WithDbAsync(db => db.SavedCards.CountAsync()));
    }

    [Fact]
    public async Task ThreeDSecureCard_GoesToTheChallengePage_WithAFullPageLoad()
    {
        var order = await SeedAsync(savedTestCards: true);
        var cut = Render(order);
        await ChooseAsync(cut, "Visa •••• 3184");

        await ApproveAsync(cut);

        cut.WaitForAssertion(() => Assert.Equal($"/pay/{order.Id}/authenticate", LastNavigation()?.Uri));
        Assert.True(LastNavigation()!.Options.ForceLoad);
        Assert.Equal(OrderStatus.RequiresAction, (await ReloadAsync(order)).Status);
        Assert.True(cut.FindAll("button").Single(b => b.TextContent.Trim() == "Approve").HasAttribute("disabled"));
    }

    [Fact]
    public async Task LateAuthorizationCard_GoesToTheSuccessUrlAsProcessing()
    {
        var order = await SeedAsync();
        var cut = Render(order);
        await ChooseNewCardAsync(cut);
        await TypeCardAsync(cut, "4000 0000 0000 7726");

        await ApproveAsync(cut);

        cut.WaitForAssertion(() => Assert.Equal(
            $"https://shop.example/ok?cart=7&order_id={order.Id}&status=processing&reference=r1", LastNavigation()?.Uri));
        Assert.Equal(OrderStatus.Processing, (await ReloadAsync(order)).Status);
    }

    [Fact]
    public async Task FraudulentCard_FailsTheOrder_AndGoesToTheErrorUrl()
    {
        var order = await SeedAsync();
        var cut = Render(order);
        await ChooseNewCardAsync(cut);
        await TypeCardAsync(cut, "4100 0000 0000 0019");

        await ApproveAsync(cut);

        cut.WaitForAssertion(() => Assert.Equal(
            $"https://shop.example/err?order_id={order.Id}&status=failed&reference=r1", LastNavigation()?.Uri));
        Assert.True(LastNavigation()!.Options.ForceLoad);
        Assert.Equal(OrderStatus.Failed, (await ReloadAsync(order)).Status);
    }

    [Fact]
    public async Task FifthDecline_FailsTheOrder_AndGoesToTheErrorUrl()
    {
        var order = await SeedAsync(savedTestCards: true);
        var cut = Render(order);
        await ChooseAsync(cut, "Visa •••• 0002");

        for (var attempt = 1; attempt <= 4; attempt++)
        {
            await ApproveAsync(cut);
            var expected = attempt;
            await EventuallyAsync(async () => (await ReloadAsync(order)).Attempts.Count == expected);
            cut.WaitForAssertion(() => Assert.Contains("declined", cut.Find("[data-testid=payment-error]").TextContent, StringComparison.Ordinal));
            Assert.Null(LastNavigation());
        }
        await ApproveAsync(cut);

        cut.WaitForAssertion(() => Assert.Equal(
            $"https://shop.example/err?order_id={order.Id}&status=failed&reference=r1", LastNavigation()?.Uri));
        Assert.Equal(OrderStatus.Failed, (await ReloadAsync(order)).Status);
    }

    [Fact]
    public async Task ApprovePage_AfterAFailed3DSecureChallenge_SaysWhy_AndOffersAnotherTry()
    {
        var order = await SeedAsync();
        await using (var scope = Context.Services.CreateAsyncScope())
        {
            var payments = scope.ServiceProvider.GetRequiredService<Core.Payments.OrderPayments>();
            await payments.ConfirmAsync(order.Id, null, new Core.Payments.PaymentChoice.ProcessorToken("pm_card_3ds"), CancellationToken.None);
            await payments.AuthenticateAsync(order.Id, authenticated: false, CancellationToken.None);
        }

        var cut = Render(order);

        Assert.Equal("Your bank could not confirm it was you (3-D Secure failed). Try again or use another card.",
            cut.Find("[data-testid=payment-error]").TextContent.Trim());
        Assert.Single(cut.FindAll("button"), b => b.TextContent.Trim() == "Approve");
    }

    [Fact]
    public async Task PayWithNewCard_ChecksTheDetailsAgainOnTheServer_AndRefusesBadOnesBeforeTokenizing()
    {
        var order = await SeedAsync();
        var orders = Context.Services.GetRequiredService<ApprovePageOrders>();
        var forged = new CardDetails("4242 4242 4242 4241", "01/20", "1", "Ada", Save: true);

        var refused = await Assert.ThrowsAsync<DomainException>(() => orders.PayWithNewCardAsync(order.Id, forged, ShopperId, CancellationToken.None));

        Assert.Equal("card_details_invalid", refused.Code);
        Assert.DoesNotContain("4242", refused.Message, StringComparison.Ordinal);
        var stored = await ReloadAsync(order);
        Assert.Empty(stored.Attempts);
        Assert.Equal(0, await WithDbAsync(db => db.SavedCards.CountAsync()));
    }

    [Fact]
    public void CardDetails_NeverPrintTheNumberOrCvc()
    {
        var details = new CardDetails("4242 4242 4242 4242", "12/29", "987", "Ada", Save: false);

        var printed = details.ToString();

        Assert.DoesNotContain("4242", printed, StringComparison.Ordinal);
        Assert.DoesNotContain("987", printed, StringComparison.Ordinal);
        Assert.Contains("Visa", printed, StringComparison.Ordinal);
    }
}
