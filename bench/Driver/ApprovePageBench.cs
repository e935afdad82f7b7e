using System.Diagnostics;
using System.Globalization;
using Microsoft.Playwright;

namespace Checkout.Bench.Driver;

/// <summary>The approve page: time to first byte for a signed-in shopper, and memory per open circuit.</summary>
public static class ApprovePageBench
{
    /// <summary>Sequential <c>GET /pay/{id}</c>, each for its own order; TTFB = until the response headers are in.</summary>
    public static async Task<int> TtfbAsync(Options o)
    {
        var baseUrl = new Uri(o.String("base"));
        var count = o.Int("count", 200);
        var warmup = o.Int("warmup", 20);
        using var api = new MerchantApi(baseUrl);
        await api.AuthenticateAsync();
        var ids = await api.CreateOrdersAsync(count + warmup, "http://127.0.0.1:9/callbacks", "bench-ttfb", parallel: 4);
        using var shopper = await ShopperSession.SignInAsync(baseUrl, o.String("email", "shopper@example.com"), o.String("password", "Shopper123!"));

        var ttfb = new List<double>();
        var total = new List<double>();
        for (var i = 0; i < ids.Length; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await shopper.GetAsync($"/pay/{ids[i]}", HttpCompletionOption.ResponseHeadersRead);
            var firstByte = Stopwatch.GetTimestamp();
            var body = await response.Content.ReadAsStringAsync();
            var done = Stopwatch.GetTimestamp();
            if (response.StatusCode != System.Net.HttpStatusCode.OK || !body.Contains("data-testid=\"order-amount\"", StringComparison.Ordinal))
                throw new InvalidOperationException($"GET /pay/{ids[i]} answered {(int)response.StatusCode} without the order (signed in?): {body[..Math.Min(300, body.Length)]}");
            if (i < warmup) continue;
            ttfb.Add(Report.Ms(firstByte - started));
            total.Add(Report.Ms(done - started));
        }
        ttfb.Sort();
        total.Sort();
        Report.Result(new
        {
            requests = ttfb.Count,
            ttfb_p50_ms = Report.Round(Report.Percentile(ttfb, 50)),
            ttfb_p99_ms = Report.Round(Report.Percentile(ttfb, 99)),
            total_p50_ms = Report.Round(Report.Percentile(total, 50)),
            total_p99_ms = Report.Round(Report.Percentile(total, 99)),
        });
        return 0;
    }

    /// <summary>
    /// Opens <c>--pages</c> approve pages in headless Chromium (each its own order, each until
    /// <c>[data-ready=true]</c>, i.e. its circuit is live) and compares the server's RSS and live managed
    /// heap (after a forced full GC, read over EventPipe) before and after, with a settle period each time.
    /// </summary>
    public static async Task<int> CircuitsAsync(Options o)
    {
        var baseUrl = new Uri(o.String("base"));
        var pid = o.Int("pid", 0);
        var pages = o.Int("pages", 50);
        var warmPages = o.Int("warmup-pages", 5);
        var settle = TimeSpan.FromSeconds(o.Double("settle-seconds", 10));
        var chromium = o.String("chromium", "/usr/bin/chromium");
        // "approve" (the measured page) or "home": the layout alone (MudBlazor providers, app bar), for comparison.
        var which = o.String("page", "approve");
        if (pid <= 0) throw new ArgumentException("--pid (the Checkout server's process id) is required.");

        using var api = new MerchantApi(baseUrl);
        await api.AuthenticateAsync();
        var ids = await api.CreateOrdersAsync(pages + warmPages, "http://127.0.0.1:9/callbacks", "bench-circuits", parallel: 4);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = chromium,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl.ToString(), Locale = "en-US" });
        context.SetDefaultTimeout(30_000);

        var login = await context.NewPageAsync();
        await login.GotoAsync("/account/login");
        await login.FillAsync("#email", o.String("email", "shopper@example.com"));
        await login.FillAsync("#password", o.String("password", "Shopper123!"));
        await login.ClickAsync("button[type=submit]");
        await login.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal));
        await login.CloseAsync();

        // Warm-up circuits stay open: JIT, MudBlazor's first render and the hub are paid before the baseline.
        var open = new List<IPage>();
        foreach (var id in ids.Take(warmPages)) open.Add(await OpenPageAsync(context, which, id));
        var before = await MeasureAsync(pid, settle);
        Report.Log($"before: RSS {before.RssKb} KB, managed heap {before.ManagedHeapKb} KB");

        var opening = Stopwatch.StartNew();
        foreach (var id in ids.Skip(warmPages)) open.Add(await OpenPageAsync(context, which, id));
        opening.Stop();
        var after = await MeasureAsync(pid, settle);
        Report.Log($"after {pages} more circuits: RSS {after.RssKb} KB, managed heap {after.ManagedHeapKb} KB");

        // Still alive and live? Every page kept its circuit (data-ready stays true and the timer ticks).
        var stillReady = 0;
        foreach (var page in open)
            if (which != "approve" || await page.Locator(".pay-page[data-ready=true]").CountAsync() == 1) stillReady++;

        Report.Result(new
        {
            page = which,
            pages,
            warmup_pages = warmPages,
            still_ready = stillReady,
            open_seconds = Report.Round(opening.Elapsed.TotalSeconds),
            settle_seconds = settle.TotalSeconds,
            rss_before_kb = before.RssKb,
            rss_after_kb = after.RssKb,
            managed_before_kb = before.ManagedHeapKb,
            managed_after_kb = after.ManagedHeapKb,
            rss_per_circuit_kb = Report.Round((after.RssKb - before.RssKb) / (double)pages, 1),
            managed_per_circuit_kb = before.ManagedHeapKb is null || after.ManagedHeapKb is null ? -1
                : Report.Round((after.ManagedHeapKb.Value - before.ManagedHeapKb.Value) / (double)pages, 1),
        });
        foreach (var page in open) await page.CloseAsync();
        return 0;
    }

    private static async Task<IPage> OpenPageAsync(IBrowserContext context, string which, string orderId)
    {
        var page = await context.NewPageAsync();
        if (which == "approve")
        {
            await page.GotoAsync($"/pay/{orderId}");
            await page.Locator(".pay-page[data-ready=true]").WaitForAsync();
            return page;
        }
        // Any other page: wait for the circuit's WebSocket to carry its first render batch.
        var received = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        page.WebSocket += (_, ws) =>
        {
            if (ws.Url.Contains("/_blazor", StringComparison.Ordinal)) ws.FrameReceived += (_, _) => received.TrySetResult();
        };
        await page.GotoAsync("/");
        await received.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await page.WaitForTimeoutAsync(500);
        return page;
    }

    private sealed record Memory(long RssKb, long? ManagedHeapKb);

    private static async Task<Memory> MeasureAsync(int pid, TimeSpan settle)
    {
        await Task.Delay(settle);
        var heap = await ManagedHeap.AfterFullGcAsync(pid, TimeSpan.FromSeconds(30));
        // The forced GC may hand memory back; give the OS view a moment.
        await Task.Delay(TimeSpan.FromSeconds(2));
        return new Memory(RssKb(pid), heap is null ? null : heap / 1024);
    }

    public static long RssKb(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        throw new InvalidOperationException($"No VmRSS for process {pid}.");
    }
}
