using Microsoft.Playwright;

namespace Checkout.E2ETests.Infrastructure;

/// <summary>One test's browser context: traced, and on failure leaves trace + screenshot in the artifacts folder.</summary>
public sealed class BrowserSession : IAsyncDisposable
{
    private readonly CheckoutTester _tester;
    private readonly ITestOutputHelper _output;
    private bool _tracing;

    private BrowserSession(CheckoutTester tester, string testName, ITestOutputHelper output, IBrowserContext context, IPage page)
    {
        _tester = tester;
        _output = output;
        TestName = testName;
        Context = context;
        Page = page;
    }

    public string TestName { get; }
    public IBrowserContext Context { get; }
    public IPage Page { get; }
    public string ArtifactsPath => Path.Combine(_tester.Settings.ArtifactsPath, TestName);

    public static async Task<BrowserSession> OpenAsync(CheckoutTester tester, string testName, ITestOutputHelper output, BrowserNewContextOptions? options)
    {
        options ??= new BrowserNewContextOptions();
        options.BaseURL ??= tester.BaseUrl.ToString();
        options.Locale ??= "en-US";
        var context = await tester.Browser.NewContextAsync(options);
        context.SetDefaultTimeout(tester.Settings.TimeoutMs);
        context.SetDefaultNavigationTimeout(tester.Settings.TimeoutMs);

        var session = new BrowserSession(tester, testName, output, context, await context.NewPageAsync());
        if (Directory.Exists(session.ArtifactsPath)) Directory.Delete(session.ArtifactsPath, recursive: true);
        if (tester.Settings.Trace is "on" or "retain-on-failure")
        {
            await context.Tracing.StartAsync(new TracingStartOptions { Title = testName, Screenshots = true, Snapshots = true });
            session._tracing = true;
        }
        session.Page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning") session.Log($"browser console {message.Type}: {message.Text}");
        };
        session.Page.PageError += (_, error) => session.Log($"browser page error: {error}");
        return session;
    }

    public async Task RunAsync(Func<IPage, Task> test)
    {
        try
        {
            await test(Page);
        }
        catch (Exception failure)
        {
            var saved = await SaveFailureArtifactsAsync();
            throw new E2EFailureException(
                $"{TestName} failed: {failure.Message}\n" +
                $"Page URL: {Page.Url}\n" +
                $"Artifacts: {string.Join(", ", saved)}\n" +
                $"Checkout log ({_tester.AppLogPath ?? "not local"}), last lines:\n{_tester.AppLogTail(40)}",
                failure);
        }
        if (_tester.Settings.Screenshot == "on") await SaveScreenshotAsync("final.png");
        if (_tracing)
        {
            _tracing = false;
            await Context.Tracing.StopAsync(_tester.Settings.Trace == "on"
                ? new TracingStopOptions { Path = Path.Combine(ArtifactsPath, "trace.zip") }
                : new TracingStopOptions());
        }
    }

    private async Task<List<string>> SaveFailureArtifactsAsync()
    {
        var saved = new List<string>();
        if (_tester.Settings.Screenshot is "on" or "only-on-failure")
        {
            var shot = await SaveScreenshotAsync("failure.png");
            if (shot is not null) saved.Add(shot);
        }
        if (_tracing)
        {
            _tracing = false;
            var trace = Path.Combine(ArtifactsPath, "trace.zip");
            try
            {
                await Context.Tracing.StopAsync(new TracingStopOptions { Path = trace });
                saved.Add(trace);
            }
            catch (PlaywrightException e)
            {
                Log($"could not save the trace: {e.Message}");
            }
        }
        foreach (var path in saved) Log($"artifact: {path}");
        return saved;
    }

    private async Task<string?> SaveScreenshotAsync(string fileName)
    {
        var path = Path.Combine(ArtifactsPath, fileName);
        try
        {
            Directory.CreateDirectory(ArtifactsPath);
            await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true, Timeout = 5_000 });
            return path;
        }
        catch (PlaywrightException e)
        {
            Log($"could not take a screenshot: {e.Message}");
            return null;
        }
    }

    private void Log(string message)
    {
        try { _output.WriteLine(message); }
        catch (InvalidOperationException) { } // the test already finished
    }

    public async ValueTask DisposeAsync()
    {
        if (_tracing)
        {
            try { await Context.Tracing.StopAsync(); } catch (PlaywrightException) { }
        }
        await Context.DisposeAsync();
    }
}

/// <summary>A browser test's failure, with where its trace, screenshot and app log are.</summary>
public sealed class E2EFailureException(string message, Exception inner) : Exception(message, inner);
