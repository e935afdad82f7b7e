using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Checkout.E2ETests.Pages;

/// <summary><c>/pay/{orderId}/authenticate</c>: the simulated issuer's 3-D Secure challenge (no sign-in).</summary>
public sealed class AuthenticatePage(IPage page)
{
    // This page's own marker, so the page just left cannot answer for it.
    public ILocator Ready => page.Locator(".challenge-page[data-ready=true]");
    public ILocator CompleteButton => page.GetByRole(AriaRole.Button, new() { Name = "Complete authentication", Exact = true });
    public ILocator FailButton => page.GetByRole(AriaRole.Button, new() { Name = "Fail authentication", Exact = true });
    public ILocator MerchantName => page.Locator("[data-testid=merchant-name]");
    public ILocator Amount => page.Locator("[data-testid=order-amount]");
    public ILocator OrderState => page.Locator("[data-testid=order-state]");
    public ILocator ReturnToShop => page.GetByRole(AriaRole.Link, new() { Name = "Return to shop" });

    public static string PathOf(string orderId) => $"/pay/{orderId}/authenticate";

    public async Task<AuthenticatePage> WaitUntilReadyAsync(string orderId)
    {
        // The address, not the load event: a busy machine can hold "load" past the timeout, and the ready marker
        // (a live circuit) is what the test needs anyway.
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == PathOf(orderId), new() { WaitUntil = WaitUntilState.Commit });
        await Expect(Ready).ToHaveCountAsync(1);
        return this;
    }

    public Task CompleteAsync() => CompleteButton.ClickAsync();

    public Task FailAsync() => FailButton.ClickAsync();
}
