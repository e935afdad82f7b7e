using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Playwright;

namespace Checkout.E2ETests.Pages;

/// <summary>The fake merchant's success and error pages, where Checkout sends the shopper back.</summary>
public sealed class ShopPage(IPage page)
{
    /// <summary>Waits for a full-page redirect to <paramref name="url"/> (ignoring the query) and gives the query.</summary>
    public async Task<IReadOnlyDictionary<string, string>> WaitForReturnAsync(string url)
    {
        var target = new Uri(url).GetLeftPart(UriPartial.Path);
        // Only the address matters here: the shop page's own load event can lag far behind on a busy machine.
        await page.WaitForURLAsync(u => new Uri(u).GetLeftPart(UriPartial.Path) == target, new() { WaitUntil = WaitUntilState.Commit });
        return Query(page.Url);
    }

    public static IReadOnlyDictionary<string, string> Query(string url) =>
        QueryHelpers.ParseQuery(new Uri(url).Query).ToDictionary(kv => kv.Key, kv => kv.Value.ToString());
}
