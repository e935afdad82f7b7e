using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Checkout.E2ETests.Pages;

/// <summary><c>/account/login</c>: static SSR form with Email, Password and Sign in.</summary>
public sealed class LoginPage(IPage page)
{
    public ILocator Email => page.GetByLabel("Email", new() { Exact = true });
    public ILocator Password => page.GetByLabel("Password", new() { Exact = true });
    public ILocator SignInButton => page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true });

    /// <summary>Checks the browser is on the login page, sent there on the way to <paramref name="returnPath"/>.</summary>
    public async Task<LoginPage> AssertShownAsync(string? returnPath = null)
    {
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath.Equals("/account/login", StringComparison.OrdinalIgnoreCase));
        if (returnPath is not null)
        {
            var returnUrl = ShopPage.Query(page.Url).GetValueOrDefault("returnUrl") ?? ShopPage.Query(page.Url).GetValueOrDefault("ReturnUrl");
            Assert.NotNull(returnUrl);
            Assert.Contains(returnPath, returnUrl, StringComparison.Ordinal);
        }
        await Expect(Email).ToBeVisibleAsync();
        return this;
    }

    public async Task SignInAsync(string email, string password)
    {
        await Email.FillAsync(email);
        await Password.FillAsync(password);
        await SignInButton.ClickAsync();
    }
}
