using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Checkout.E2ETests.Pages;

/// <summary><c>/payments</c>: the signed-in shopper's payments and their refunds, refreshed live.</summary>
public sealed class MyPaymentsPage(IPage page)
{
    public const string Path = "/payments";

    public ILocator Heading => page.GetByRole(AriaRole.Heading, new() { Name = "My payments", Exact = true });

    /// <summary>The page marks itself once its live refresh runs (the circuit is up).</summary>
    public ILocator Live => page.Locator(".payments-page[data-ready=true]");

    /// <summary>The table row of one order.</summary>
    public ILocator Row(string orderId) => page.Locator("tr").Filter(new() { Has = page.Locator($"[data-order-id='{orderId}']") });

    public ILocator OrderStatus(string orderId) => Row(orderId).Locator("[data-testid=order-status]");
    public ILocator OrderAmount(string orderId) => Row(orderId).Locator("[data-testid=order-amount]");
    public ILocator NoRefunds(string orderId) => Row(orderId).Locator("[data-testid=no-refunds]");
    public ILocator AmountRefunded(string orderId) => Row(orderId).Locator("[data-testid=amount-refunded]");

    public ILocator Refund(string refundId) => page.Locator($"[data-refund-id='{refundId}']");
    public ILocator RefundAmount(string refundId) => Refund(refundId).Locator("[data-testid=refund-amount]");
    public ILocator RefundStatus(string refundId) => Refund(refundId).Locator("[data-testid=refund-status]");

    public async Task<MyPaymentsPage> WaitUntilLiveAsync()
    {
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == Path);
        await Expect(Heading).ToBeVisibleAsync();
        await Expect(Live).ToHaveCountAsync(1);
        return this;
    }

    /// <summary>
    /// Marks the loaded document and records every refund status the page shows from now on, so a test
    /// can prove the page changed by itself (a reload would drop both the mark and the record).
    /// </summary>
    public Task WatchAsync() => page.EvaluateAsync("""
        () => {
            window.__myPayments = { mark: 'same-document', seen: {} };
            const record = () => document.querySelectorAll('[data-refund-id]').forEach(el => {
                const id = el.getAttribute('data-refund-id');
                const status = el.querySelector('[data-testid=refund-status]')?.textContent.trim();
                const seen = window.__myPayments.seen[id] ??= [];
                if (status && seen[seen.length - 1] !== status) seen.push(status);
            });
            record();
            new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true });
        }
        """);

    /// <summary>True while the document marked by <see cref="WatchAsync"/> is still the one shown.</summary>
    public Task<bool> IsSameDocumentAsync() => page.EvaluateAsync<bool>("() => window.__myPayments?.mark === 'same-document'");

    /// <summary>The refund's statuses in the order the page showed them since <see cref="WatchAsync"/>.</summary>
    public async Task<string[]> StatusesSeenAsync(string refundId) =>
        await page.EvaluateAsync<string[]>("id => window.__myPayments?.seen[id] ?? []", refundId);
}
