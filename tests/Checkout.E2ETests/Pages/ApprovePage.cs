using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Checkout.E2ETests.Pages;

/// <summary><c>/pay/{orderId}</c>: what the shopper pays, to whom; Approve or Cancel.</summary>
public sealed class ApprovePage(IPage page)
{
    /// <summary>The page root marks itself once the Blazor circuit is interactive; clicks before that are lost.</summary>
    public ILocator Ready => page.Locator("[data-ready=true]");
    public ILocator ApproveButton => page.GetByRole(AriaRole.Button, new() { Name = "Approve", Exact = true });
    public ILocator CancelButton => page.GetByRole(AriaRole.Button, new() { Name = "Cancel", Exact = true });

    /// <summary>A button on a refused payment, a link on a finished order.</summary>
    public ILocator ReturnToShop => page.GetByRole(AriaRole.Button, new() { Name = "Return to shop" })
        .Or(page.GetByRole(AriaRole.Link, new() { Name = "Return to shop" }));

    public static string PathOf(string orderId) => $"/pay/{orderId}";

    public async Task<ApprovePage> WaitUntilReadyAsync(string orderId)
    {
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == PathOf(orderId));
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

    public Task CancelAsync() => CancelButton.ClickAsync();
}
