using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Checkout.E2ETests.Pages;

/// <summary><c>/pay/{orderId}</c>: what the shopper pays, to whom; Approve or Cancel.</summary>
public sealed class ApprovePage(IPage page)
{
    /// <summary>The page root marks itself once the Blazor circuit is interactive; clicks before that are lost.</summary>
    // This page's own marker, so the page just left cannot answer for it.
    public ILocator Ready => page.Locator(".pay-page:not(.challenge-page)[data-ready=true]");
    public ILocator ApproveButton => page.GetByRole(AriaRole.Button, new() { Name = "Approve", Exact = true });
    public ILocator CancelButton => page.GetByRole(AriaRole.Button, new() { Name = "Cancel", Exact = true });

    /// <summary>A button on a refused payment, a link on a finished order.</summary>
    public ILocator ReturnToShop => page.GetByRole(AriaRole.Button, new() { Name = "Return to shop" })
        .Or(page.GetByRole(AriaRole.Link, new() { Name = "Return to shop" }));

    /// <summary>The decline or refusal the page explains (a card declined, a wallet too low).</summary>
    public ILocator PaymentError => page.Locator("[data-testid=payment-error]");

    public ILocator NewCardOption => page.GetByRole(AriaRole.Radio, new() { Name = "New card", Exact = true });
    public ILocator CardNumber => page.GetByLabel("Card number", new() { Exact = true });
    public ILocator Expiry => page.GetByLabel("Expiry (MM/YY)", new() { Exact = true });
    public ILocator Cvc => page.GetByLabel("CVC", new() { Exact = true });
    public ILocator NameOnCard => page.GetByLabel("Name on card", new() { Exact = true });
    public ILocator SaveCard => page.GetByRole(AriaRole.Checkbox, new() { Name = "Save card for next time" });
    public ILocator CardBrand => page.Locator("[data-testid=card-brand]");

    /// <summary>A saved card's radio by its last 4 digits ("Visa •••• 3184, exp 12/31").</summary>
    public ILocator SavedCard(string last4) => page.GetByRole(AriaRole.Radio, new() { Name = $"•••• {last4}," });

    public static string PathOf(string orderId) => $"/pay/{orderId}";

    public async Task<ApprovePage> WaitUntilReadyAsync(string orderId)
    {
        // The address, not the load event: a busy machine can hold "load" past the timeout, and the ready marker
        // (a live circuit) is what the test needs anyway.
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == PathOf(orderId), new() { WaitUntil = WaitUntilState.Commit });
        await Expect(Ready).ToHaveCountAsync(1);
        return this;
    }

    public async Task AssertShowsAsync(string merchantName, string description, string amount)
    {
        await Expect(page.GetByText(merchantName).First).ToBeVisibleAsync();
        await Expect(page.GetByText(description).First).ToBeVisibleAsync();
        await Expect(page.GetByText(amount).First).ToBeVisibleAsync();
        await Expect(ApproveButton).ToBeEnabledAsync();
        await Expect(CancelButton).ToBeEnabledAsync();
    }

    public Task ApproveAsync() => ApproveButton.ClickAsync();

    /// <summary>Chooses New card and types a card as a shopper would; the expiry is any future month unless given.</summary>
    public async Task EnterNewCardAsync(string number, string? expiry = null, string cvc = "123", string name = "Ada Shopper")
    {
        await NewCardOption.CheckAsync();
        await Expect(CardNumber).ToBeEditableAsync();
        await CardNumber.FillAsync(number);
        await Expiry.FillAsync(expiry ?? FutureExpiry);
        await Cvc.FillAsync(cvc);
        await NameOnCard.FillAsync(name);
    }

    /// <summary>Types a new card and presses Approve.</summary>
    public async Task PayWithNewCardAsync(string number, string? expiry = null, string cvc = "123", string name = "Ada Shopper")
    {
        await EnterNewCardAsync(number, expiry, cvc, name);
        await ApproveAsync();
    }

    /// <summary>Picks a saved card and presses Approve.</summary>
    public async Task PayWithSavedCardAsync(string last4)
    {
        await SavedCard(last4).CheckAsync();
        await ApproveAsync();
    }

    /// <summary>December, three years ahead: always in the future.</summary>
    public static string FutureExpiry => $"12/{(DateTime.UtcNow.Year + 3) % 100:00}";

    public Task CancelAsync() => CancelButton.ClickAsync();
}
