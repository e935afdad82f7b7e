using System.Text.Json;
using System.Text.RegularExpressions;
using Checkout.Core.Callbacks;
using Checkout.E2ETests.Infrastructure;
using Checkout.E2ETests.Pages;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Checkout.E2ETests.Flows;

/// <summary>
/// The main flow of DESIGN.md in a real browser: the merchant creates an order over the API, the
/// shopper signs in on the approve link and decides, the merchant gets the shopper back and a signed callback.
/// </summary>
[Collection(CheckoutCollection.Name)]
public sealed class HostedCheckoutTests(CheckoutTester tester, ITestOutputHelper output)
{
    private FakeMerchantServer Merchant => tester.Merchant;
    private ShopperCredentials Shopper => tester.Settings.Shopper;

    [Fact]
    public async Task Merchant_CreatesAnOrderThroughTheApi_WithAnApproveLinkOnCheckoutsOwnHost()
    {
        var order = await tester.CreateOrderAsync(1999, description: "Two espresso cups");

        Assert.StartsWith("ord_", order.Id, StringComparison.Ordinal);
        Assert.Equal("created", order.Status);
        Assert.Equal(new Uri(tester.BaseUrl, ApprovePage.PathOf(order.Id)), new Uri(order.ApproveUrl));
        var fetched = await tester.GetOrderAsync(order.Id);
        Assert.Equal("created", fetched.Status);
        Assert.Equal(1999, fetched.Amount);
    }

    [Fact]
    public async Task Shopper_WhoApproves_LandsOnSuccessUrl_AndTheMerchantGetsASignedOrderSucceededCallback()
    {
        var order = await tester.CreateOrderAsync(1999, "EUR", "Two espresso cups");

        await tester.RunInBrowserAsync(nameof(Shopper_WhoApproves_LandsOnSuccessUrl_AndTheMerchantGetsASignedOrderSucceededCallback), output, async page =>
        {
            var approve = await SignInThroughApproveLinkAsync(page, order);
            await approve.AssertShowsAsync(tester.Settings.Merchant.Name, "Two espresso cups", "€19.99");

            await approve.ApproveAsync();

            var query = await new ShopPage(page).WaitForReturnAsync(Merchant.SuccessUrl);
            Assert.Equal(order.Id, query.GetValueOrDefault("order_id"));
            Assert.Equal("succeeded", query.GetValueOrDefault("status"));
            Assert.Equal(order.Reference, query.GetValueOrDefault("reference"));
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Payment received" })).ToBeVisibleAsync();
        });

        var callback = await WaitForCallbackAsync(order.Id, "order.succeeded");
        AssertSignedByCheckout(callback);
        var data = callback.Json.GetProperty("data").GetProperty("object");
        Assert.Equal("succeeded", data.GetProperty("status").GetString());
        Assert.Equal(1999, data.GetProperty("amount").GetInt64());

        // The merchant never trusts the redirect alone: it asks the API.
        var verified = await tester.GetOrderAsync(order.Id);
        Assert.Equal("succeeded", verified.Status);
        Assert.Equal(1999, verified.AmountCaptured);
    }

    [Fact]
    public async Task Shopper_WhoCancels_LandsOnErrorUrl_AndTheMerchantGetsAnOrderCanceledCallback()
    {
        var order = await tester.CreateOrderAsync(550, "EUR", "Bag of beans");

        await tester.RunInBrowserAsync(nameof(Shopper_WhoCancels_LandsOnErrorUrl_AndTheMerchantGetsAnOrderCanceledCallback), output, async page =>
        {
            var approve = await OpenApprovePageAsync(page, order);
            await approve.CancelAsync();

            var query = await new ShopPage(page).WaitForReturnAsync(Merchant.ErrorUrl);
            Assert.Equal(order.Id, query.GetValueOrDefault("order_id"));
            Assert.Equal("canceled", query.GetValueOrDefault("status"));
            Assert.Equal(order.Reference, query.GetValueOrDefault("reference"));
        }, await tester.SignedInShopperAsync());

        var callback = await WaitForCallbackAsync(order.Id, "order.canceled");
        AssertSignedByCheckout(callback);
        Assert.Equal("canceled", (await tester.GetOrderAsync(order.Id)).Status);
    }

    [Fact]
    public async Task Shopper_WithTooLowABalance_IsToldWhy_AndReturnsToTheShopsErrorUrl()
    {
        // €2,000.00 is more than the sandbox shopper's €1,000.00 wallet.
        var order = await tester.CreateOrderAsync(200_000, "EUR", "Espresso machine");

        await tester.RunInBrowserAsync(nameof(Shopper_WithTooLowABalance_IsToldWhy_AndReturnsToTheShopsErrorUrl), output, async page =>
        {
            var approve = await OpenApprovePageAsync(page, order);
            await approve.ApproveAsync();

            await Expect(page.GetByText(new Regex("too low", RegexOptions.IgnoreCase)).First).ToBeVisibleAsync();
            Assert.Equal(ApprovePage.PathOf(order.Id), new Uri(page.Url).AbsolutePath); // no redirect before the shopper has read why
            await approve.ReturnToShop.ClickAsync();

            var query = await new ShopPage(page).WaitForReturnAsync(Merchant.ErrorUrl);
            Assert.Equal(order.Id, query.GetValueOrDefault("order_id"));
            Assert.Equal("created", query.GetValueOrDefault("status"));
            Assert.Equal(order.Reference, query.GetValueOrDefault("reference"));
        }, await tester.SignedInShopperAsync());

        var after = await tester.GetOrderAsync(order.Id);
        Assert.Equal("created", after.Status);
        Assert.Equal(0, after.AmountCaptured);
    }

    [Fact]
    public async Task PaidOrder_WhenRevisited_ShowsThatItIsPaid_AndOffersNoApprove()
    {
        var order = await tester.CreateOrderAsync(120, "EUR", "Sugar cubes");

        await tester.RunInBrowserAsync(nameof(PaidOrder_WhenRevisited_ShowsThatItIsPaid_AndOffersNoApprove), output, async page =>
        {
            var approve = await OpenApprovePageAsync(page, order);
            await approve.ApproveAsync();
            await new ShopPage(page).WaitForReturnAsync(Merchant.SuccessUrl);

            await page.GotoAsync(order.ApproveUrl);

            await Expect(page.GetByText(new Regex("already been paid|succeeded", RegexOptions.IgnoreCase)).First).ToBeVisibleAsync();
            await Expect(approve.ReturnToShop).ToBeVisibleAsync();
            await Expect(approve.ApproveButton).ToHaveCountAsync(0);
            var href = await approve.ReturnToShop.GetAttributeAsync("href");
            if (href is not null) Assert.StartsWith(Merchant.BaseUrl.ToString(), new Uri(new Uri(page.Url), href).ToString(), StringComparison.Ordinal);
        }, await tester.SignedInShopperAsync());

        var after = await tester.GetOrderAsync(order.Id);
        Assert.Equal("succeeded", after.Status);
        Assert.Equal(120, after.AmountCaptured); // paid once, not twice
    }

    [Fact]
    public async Task ApprovePage_FitsA375PixelPhoneScreen_WithoutHorizontalScroll()
    {
        var order = await tester.CreateOrderAsync(1999, "EUR", "Two espresso cups, with a longer description that has to wrap on a phone screen");
        var phone = new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = 375, Height = 667 },
            DeviceScaleFactor = 2,
            IsMobile = true,
            HasTouch = true,
        };

        await tester.RunInBrowserAsync(nameof(ApprovePage_FitsA375PixelPhoneScreen_WithoutHorizontalScroll), output, async page =>
        {
            await page.GotoAsync(order.ApproveUrl);
            await new LoginPage(page).AssertShownAsync(ApprovePage.PathOf(order.Id));
            await SaveArtifactScreenshotAsync(page, "login-375.png");
            Assert.True(await ScrollWidthAsync(page) <= 375, $"The login page scrolls sideways: scrollWidth {await ScrollWidthAsync(page)} > 375.");

            await new LoginPage(page).SignInAsync(Shopper.Email, Shopper.Password);
            var approve = await new ApprovePage(page).WaitUntilReadyAsync(order.Id);
            await Expect(approve.ApproveButton).ToBeVisibleAsync();

            var screenshot = await SaveArtifactScreenshotAsync(page, "approve-375.png");
            output.WriteLine($"artifact: {screenshot}");
            var scrollWidth = await ScrollWidthAsync(page);
            Assert.True(scrollWidth <= 375, $"The approve page scrolls sideways: scrollWidth {scrollWidth} > 375.");
            await Expect(approve.ApproveButton).ToBeInViewportAsync(new() { Ratio = 1 });
        }, phone);
    }

    [Fact]
    public async Task Shopper_CanSignInAndApprove_WithTheKeyboardAlone()
    {
        var order = await tester.CreateOrderAsync(199, "EUR", "Keyboard-only order");

        await tester.RunInBrowserAsync(nameof(Shopper_CanSignInAndApprove_WithTheKeyboardAlone), output, async page =>
        {
            await page.GotoAsync(order.ApproveUrl);
            var login = await new LoginPage(page).AssertShownAsync(ApprovePage.PathOf(order.Id));
            await TabToAsync(page, login.Email);
            await page.Keyboard.TypeAsync(Shopper.Email);
            await TabToAsync(page, login.Password);
            await page.Keyboard.TypeAsync(Shopper.Password);
            await page.Keyboard.PressAsync("Enter");

            var approve = await new ApprovePage(page).WaitUntilReadyAsync(order.Id);
            await TabToAsync(page, approve.ApproveButton);
            await page.Keyboard.PressAsync("Enter");

            var query = await new ShopPage(page).WaitForReturnAsync(Merchant.SuccessUrl);
            Assert.Equal("succeeded", query.GetValueOrDefault("status"));
        });

        Assert.Equal("succeeded", (await tester.GetOrderAsync(order.Id)).Status);
    }

    [Fact]
    public async Task CheckoutPages_RefuseToBeFramed()
    {
        var order = await tester.CreateOrderAsync(300, "EUR", "Framing attempt");

        await tester.RunInBrowserAsync(nameof(CheckoutPages_RefuseToBeFramed), output, async page =>
        {
            // Headers on the login page and on the approve page itself.
            var loginResponse = await page.GotoAsync(order.ApproveUrl);
            Assert.NotNull(loginResponse);
            await AssertRefusesFramingAsync(loginResponse, "login page");
            await new LoginPage(page).SignInAsync(Shopper.Email, Shopper.Password);
            await new ApprovePage(page).WaitUntilReadyAsync(order.Id);
            var approveResponse = await page.GotoAsync(order.ApproveUrl);
            Assert.NotNull(approveResponse);
            Assert.Equal(ApprovePage.PathOf(order.Id), new Uri(approveResponse.Url).AbsolutePath);
            await AssertRefusesFramingAsync(approveResponse, "approve page");

            // And the browser obeys them: a shop page that frames the approve page shows nothing of it,
            // while its frame of its own page (the control) renders.
            await page.GotoAsync($"{Merchant.BaseUrl}shop/frame?src={Uri.EscapeDataString(order.ApproveUrl)}");
            await Expect(page.Locator("body[data-own-loaded=yes]")).ToHaveCountAsync(1);
            await Expect(page.FrameLocator("#own").GetByRole(AriaRole.Heading, new() { Name = "Payment received" })).ToBeVisibleAsync();
            await Expect(page.Locator("body[data-checkout-loaded=yes]")).ToHaveCountAsync(1);
            var framed = page.FrameLocator("#checkout");
            await Expect(framed.GetByRole(AriaRole.Button, new() { Name = "Approve" })).ToHaveCountAsync(0);
            await Expect(framed.GetByRole(AriaRole.Button, new() { Name = "Sign in" })).ToHaveCountAsync(0);
            await Expect(framed.GetByLabel("Password")).ToHaveCountAsync(0);
        });

        Assert.Equal("created", (await tester.GetOrderAsync(order.Id)).Status);
    }

    private async Task<ApprovePage> SignInThroughApproveLinkAsync(IPage page, OrderDto order)
    {
        await page.GotoAsync(order.ApproveUrl);
        var login = await new LoginPage(page).AssertShownAsync(ApprovePage.PathOf(order.Id));
        await login.SignInAsync(Shopper.Email, Shopper.Password);
        return await new ApprovePage(page).WaitUntilReadyAsync(order.Id);
    }

    /// <summary>For a shopper who is already signed in.</summary>
    private static async Task<ApprovePage> OpenApprovePageAsync(IPage page, OrderDto order)
    {
        await page.GotoAsync(order.ApproveUrl);
        return await new ApprovePage(page).WaitUntilReadyAsync(order.Id);
    }

    private Task<ReceivedCallback> WaitForCallbackAsync(string orderId, string eventType) =>
        Eventually.GetAsync(() =>
        {
            var received = Merchant.CallbacksFor(orderId);
            return Task.FromResult(received.FirstOrDefault(c => c.EventType == eventType)
                ?? throw new InvalidOperationException(
                    $"No {eventType} callback for {orderId} yet; received: [{string.Join(", ", received.Select(c => c.EventType))}]. " +
                    $"All callbacks so far: {Merchant.Callbacks.Count}."));
        }, tester.CallbackTimeout);

    private void AssertSignedByCheckout(ReceivedCallback callback)
    {
        var secret = tester.Settings.Merchant.WebhookSecret;
        var signature = callback.Header(CallbackSignature.HeaderName);
        Assert.False(string.IsNullOrEmpty(signature), $"No {CallbackSignature.HeaderName} header; headers: {string.Join(", ", callback.Headers.Keys)}");
        Assert.Matches(@"^t=\d+,v1=[0-9a-f]{64}", signature);
        Assert.True(CallbackSignature.Verify(secret, signature, callback.Body, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)),
            $"Signature '{signature}' does not verify with the webhook secret over the raw body.");
        Assert.False(CallbackSignature.Verify(secret, signature, callback.Body + " ", DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)),
            "A changed body must not verify.");

        var json = callback.Json;
        var eventId = json.GetProperty("id").GetString();
        Assert.StartsWith("evt_", eventId, StringComparison.Ordinal);
        Assert.Equal("event", json.GetProperty("object").GetString());
        Assert.Equal(eventId, callback.Header("Checkout-Event-Id"));
        Assert.True(int.TryParse(callback.Header("Checkout-Delivery-Attempt"), out var attempt) && attempt >= 1,
            $"Checkout-Delivery-Attempt is '{callback.Header("Checkout-Delivery-Attempt")}'.");
        Assert.NotEqual(JsonValueKind.Undefined, json.GetProperty("created_at").ValueKind);
    }

    private static async Task AssertRefusesFramingAsync(IResponse response, string what)
    {
        var headers = await response.AllHeadersAsync();
        Assert.True(headers.TryGetValue("content-security-policy", out var csp), $"The {what} sends no Content-Security-Policy.");
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.True(headers.TryGetValue("x-frame-options", out var xfo), $"The {what} sends no X-Frame-Options.");
        Assert.Equal("DENY", xfo, ignoreCase: true);
    }

    private static Task<int> ScrollWidthAsync(IPage page) =>
        page.EvaluateAsync<int>("() => document.scrollingElement.scrollWidth");

    /// <summary>Saved always, not only on failure: the phone screenshots are artifacts QA looks at.</summary>
    private async Task<string> SaveArtifactScreenshotAsync(IPage page, string fileName)
    {
        var path = Path.Combine(tester.Settings.ArtifactsPath, fileName);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    /// <summary>Presses Tab until <paramref name="target"/> has focus (bounded), as a keyboard user would.</summary>
    private static async Task TabToAsync(IPage page, ILocator target, int maxPresses = 40)
    {
        for (var i = 0; i < maxPresses; i++)
        {
            if (await target.EvaluateAsync<bool>("el => el === document.activeElement")) return;
            await page.Keyboard.PressAsync("Tab");
        }
        var focused = await page.EvaluateAsync<string>("() => document.activeElement ? document.activeElement.outerHTML.slice(0, 200) : 'nothing'");
        throw new InvalidOperationException($"{maxPresses} Tab presses did not reach the target; focus is on {focused}.");
    }
}
