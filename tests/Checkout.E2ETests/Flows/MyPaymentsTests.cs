using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Checkout.E2ETests.Infrastructure;
using Checkout.E2ETests.Pages;
using static Microsoft.Playwright.Assertions;

namespace Checkout.E2ETests.Flows;

/// <summary>
/// The shopper's side of a refund: after paying in the browser, the shopper keeps My payments open
/// while the merchant refunds part of the order through the API; the refund appears and its status
/// moves to succeeded without a reload.
/// </summary>
[Collection(CheckoutCollection.Name)]
public sealed class MyPaymentsTests(CheckoutTester tester, ITestOutputHelper output)
{
    private FakeMerchantServer Merchant => tester.Merchant;

    [Fact]
    public async Task ShopperWhoPaidWithTheWallet_SeesAPartialRefundAppearAndSucceed_WithoutReloading()
    {
        var order = await tester.CreateOrderAsync(2500, "EUR", $"Grinder burrs {Guid.NewGuid():N}"[..24]);

        await tester.RunInBrowserAsync(nameof(ShopperWhoPaidWithTheWallet_SeesAPartialRefundAppearAndSucceed_WithoutReloading), output, async page =>
        {
            // My payments is for signed-in shoppers: it sends a visitor to sign in first, then back.
            await page.GotoAsync(MyPaymentsPage.Path);
            var login = await new LoginPage(page).AssertShownAsync(MyPaymentsPage.Path);
            await login.SignInAsync(tester.Settings.Shopper.Email, tester.Settings.Shopper.Password);
            var payments = await new MyPaymentsPage(page).WaitUntilLiveAsync();

            // Pay in the browser with the wallet (the approve page's default), so the order is the shopper's.
            await page.GotoAsync(order.ApproveUrl);
            var approve = await new ApprovePage(page).WaitUntilReadyAsync(order.Id);
            await approve.ApproveAsync();
            await new ShopPage(page).WaitForReturnAsync(Merchant.SuccessUrl);

            await page.GotoAsync(MyPaymentsPage.Path);
            await payments.WaitUntilLiveAsync();
            await Expect(payments.OrderStatus(order.Id)).ToHaveTextAsync("Paid");
            await Expect(payments.OrderAmount(order.Id)).ToHaveTextAsync("€25.00");
            await Expect(payments.Row(order.Id)).ToContainTextAsync(tester.Settings.Merchant.Name);
            await Expect(payments.NoRefunds(order.Id)).ToBeVisibleAsync();
            await payments.WatchAsync();

            var refund = await RefundThroughTheApiAsync(order.Id, 1000);
            Assert.Equal("pending", refund.GetProperty("status").GetString());
            var refundId = refund.GetProperty("id").GetString()!;

            await Expect(payments.RefundAmount(refundId)).ToHaveTextAsync("€10.00");
            await Expect(payments.RefundStatus(refundId)).ToHaveTextAsync("Succeeded");
            await Expect(payments.AmountRefunded(order.Id)).ToHaveTextAsync("Refunded €10.00");
            await Expect(payments.OrderStatus(order.Id)).ToHaveTextAsync("Paid"); // partly refunded: still paid
            Assert.True(await payments.IsSameDocumentAsync(), "My payments reloaded; it should have updated in place.");
            var seen = await payments.StatusesSeenAsync(refundId);
            output.WriteLine($"Refund {refundId} statuses shown: {string.Join(" → ", seen)}");
            Assert.Equal("Succeeded", seen[^1]);
        });

        var verified = await tester.GetOrderJsonAsync(order.Id);
        Assert.Equal(1000, verified.GetProperty("amount_refunded").GetInt64());
        Assert.Equal("succeeded", verified.GetProperty("refunds")[0].GetProperty("status").GetString());
    }

    [Fact]
    public async Task ShopperWhoPaidByCard_SeesTheRefundGoFromInProgressToSucceeded_WithoutReloading()
    {
        var order = await tester.CreateOrderAsync(4000, "EUR", $"Kettle {Guid.NewGuid():N}"[..20]);

        await tester.RunInBrowserAsync(nameof(ShopperWhoPaidByCard_SeesTheRefundGoFromInProgressToSucceeded_WithoutReloading), output, async page =>
        {
            await page.GotoAsync(order.ApproveUrl);
            var approve = await new ApprovePage(page).WaitUntilReadyAsync(order.Id);
            await approve.PayWithSavedCardAsync("4242");
            await new ShopPage(page).WaitForReturnAsync(Merchant.SuccessUrl);

            await page.GotoAsync(MyPaymentsPage.Path);
            var payments = await new MyPaymentsPage(page).WaitUntilLiveAsync();
            await Expect(payments.OrderStatus(order.Id)).ToHaveTextAsync("Paid");
            await payments.WatchAsync();

            // The sandbox card processor keeps a refund pending, then processing, for about two seconds.
            var refundId = (await RefundThroughTheApiAsync(order.Id, 1500)).GetProperty("id").GetString()!;

            await Expect(payments.RefundStatus(refundId)).ToHaveTextAsync(new Regex("^(Pending|Processing)$"));
            await Expect(payments.RefundStatus(refundId)).ToHaveTextAsync("Succeeded");
            Assert.True(await payments.IsSameDocumentAsync(), "My payments reloaded; it should have updated in place.");
            var seen = await payments.StatusesSeenAsync(refundId);
            output.WriteLine($"Refund {refundId} statuses shown: {string.Join(" → ", seen)}");
            Assert.True(seen.Length >= 2 && seen[0] is "Pending" or "Processing" && seen[^1] == "Succeeded", string.Join(" → ", seen));
        }, await tester.SignedInShopperAsync());

        // The merchant heard about it too, at the order's callback_url.
        await Eventually.AssertAsync(() =>
        {
            var types = Merchant.Callbacks.Where(c => c.Body.Contains(order.Id, StringComparison.Ordinal)).Select(c => c.EventType).ToList();
            Assert.Contains("refund.created", types);
            Assert.Contains("refund.updated", types);
        }, tester.CallbackTimeout);
    }

    /// <summary>What the merchant's backend does: <c>POST /api/v1/refunds</c>.</summary>
    private async Task<JsonElement> RefundThroughTheApiAsync(string orderId, long amount)
    {
        using var api = tester.NewApiClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/refunds")
        {
            Content = JsonContent.Create(new { order_id = orderId, amount, reason = "requested_by_customer" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await api.GetAccessTokenAsync());
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var response = await api.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode != 201)
            throw new InvalidOperationException($"POST /api/v1/refunds answered {(int)response.StatusCode}, expected 201: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
