using Microsoft.Playwright;

namespace Checkout.E2ETests.Infrastructure;

/// <summary>
/// BTCPay's PlaywrightTester shape: one Checkout (a local app process, or the configured base URL),
/// one fake merchant, one browser per collection; each test gets its own browser context.
/// </summary>
public sealed class CheckoutTester : IAsyncLifetime
{
    private CheckoutAppProcess? _app;

    public E2ESettings Settings { get; } = E2ESettings.Load();
    public Uri BaseUrl { get; private set; } = null!;
    public FakeMerchantServer Merchant { get; private set; } = null!;
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    /// <summary>True when the suite started the app itself (sandbox guaranteed, log file available).</summary>
    public bool OwnsApp => _app is not null;

    public string? AppLogPath => _app?.LogPath;

    /// <summary>The app's SQLite file (its -wal and -shm sit beside it), when the suite started the app.</summary>
    public string? AppDatabasePath => _app?.DatabasePath;

    public TimeSpan CallbackTimeout => TimeSpan.FromMilliseconds(Settings.CallbackTimeoutMs);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Settings.ArtifactsPath);
        // The app, the browser and the fake merchant start side by side: app start-up dominates the suite's fixed cost.
        var merchant = FakeMerchantServer.StartAsync();
        var browser = LaunchBrowserAsync();
        var app = StartOrLocateCheckoutAsync();
        try
        {
            await Task.WhenAll(merchant, browser, app);
        }
        catch
        {
            // WhenAll has waited for all three; stop whatever did start: a failed fixture must not leave an app process or a browser behind.
            KeepStarted(merchant, app);
            await DisposeAsync();
            throw;
        }
        KeepStarted(merchant, app);
    }

    private void KeepStarted(Task<FakeMerchantServer> merchant, Task<(CheckoutAppProcess?, Uri)> app)
    {
        if (merchant.IsCompletedSuccessfully) Merchant = merchant.Result;
        if (app.IsCompletedSuccessfully) (_app, BaseUrl) = app.Result;
    }

    private async Task<(CheckoutAppProcess?, Uri)> StartOrLocateCheckoutAsync()
    {
        if (!string.IsNullOrWhiteSpace(Settings.BaseUrl))
        {
            var target = new Uri(Settings.BaseUrl.TrimEnd('/') + "/");
            await CheckoutAppProcess.WaitUntilServingAsync(target, TimeSpan.FromMilliseconds(Settings.AppStartTimeoutMs));
            return (null, target);
        }

        var repoRoot = RepoLayout.FindRepoRoot()
            ?? throw new InvalidOperationException(
                $"No Checkout.sln above {AppContext.BaseDirectory}: set baseUrl in {E2ESettings.FileName} or {E2ESettings.BaseUrlVariable} to test a running instance.");
        var app = await CheckoutAppProcess.StartAsync(repoRoot, Settings.ArtifactsPath, TimeSpan.FromMilliseconds(Settings.AppStartTimeoutMs));
        return (app, app.BaseUrl);
    }

    private async Task LaunchBrowserAsync()
    {
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Assertions.SetDefaultExpectTimeout(Settings.ExpectTimeoutMs);
        if (!File.Exists(Settings.BrowserPath))
            throw new FileNotFoundException($"No browser at {Settings.BrowserPath} (browserPath in {E2ESettings.FileName}); on Debian: apt-get install -y chromium.");
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Settings.BrowserPath,
            Args = Settings.LaunchArgs,
            Headless = Settings.Headless,
            Timeout = Settings.TimeoutMs * 2,
        });
    }

    public MerchantApiClient NewApiClient() =>
        new(new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(30) }, Settings.Merchant);

    /// <summary>Creates an order that returns to, and calls back, the fake merchant.</summary>
    public async Task<OrderDto> CreateOrderAsync(long amount, string currency = "EUR", string? description = null, string? reference = null)
    {
        using var api = NewApiClient();
        return await api.CreateOrderAsync(new NewOrderRequest(
            amount,
            currency,
            description ?? "E2E test order",
            reference ?? $"e2e-{Guid.NewGuid():N}"[..24],
            Merchant.SuccessUrl,
            Merchant.ErrorUrl,
            Merchant.CallbackUrl,
            new Dictionary<string, string> { ["suite"] = "e2e" }));
    }

    public async Task<OrderDto> GetOrderAsync(string id)
    {
        using var api = NewApiClient();
        return await api.GetOrderAsync(id);
    }

    public async Task<System.Text.Json.JsonElement> GetOrderJsonAsync(string id)
    {
        using var api = NewApiClient();
        return await api.GetOrderJsonAsync(id);
    }

    /// <summary>
    /// Runs <paramref name="test"/> in a fresh browser context with tracing; on failure the trace, a
    /// screenshot and the app log's tail are attached to the error.
    /// </summary>
    public async Task RunInBrowserAsync(string testName, ITestOutputHelper output, Func<IPage, Task> test, BrowserNewContextOptions? options = null)
    {
        await using var session = await BrowserSession.OpenAsync(this, testName, output, options);
        await session.RunAsync(test);
    }

    /// <summary>
    /// The cookies of a signed-in sandbox shopper, made once per collection, for tests whose subject is
    /// not the sign-in itself (it saves a form post and a redirect per test).
    /// </summary>
    public async Task<BrowserNewContextOptions> SignedInShopperAsync(BrowserNewContextOptions? options = null)
    {
        await _signInGate.WaitAsync();
        try
        {
            if (_shopperState is null)
            {
                await using var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl.ToString() });
                var page = await context.NewPageAsync();
                await page.GotoAsync("/account/login");
                await new Pages.LoginPage(page).SignInAsync(Settings.Shopper.Email, Settings.Shopper.Password);
                await page.WaitForURLAsync(url => !new Uri(url).AbsolutePath.StartsWith("/account/login", StringComparison.OrdinalIgnoreCase),
                    new() { Timeout = Settings.TimeoutMs });
                _shopperState = await context.StorageStateAsync();
            }
        }
        finally
        {
            _signInGate.Release();
        }
        options ??= new BrowserNewContextOptions();
        options.StorageState = _shopperState;
        return options;
    }

    private readonly SemaphoreSlim _signInGate = new(1, 1);
    private string? _shopperState;

    public string AppLogTail(int lines = 60) => _app?.LogTail(lines) ?? "(the suite did not start the app; see the instance's own logs)";

    private bool _disposed;

    public async Task DisposeAsync()
    {
        if (_disposed) return;
        _disposed = true;
        if (Browser is not null) await Browser.DisposeAsync();
        Playwright?.Dispose();
        if (_app is not null) await _app.DisposeAsync();
        if (Merchant is not null) await Merchant.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class CheckoutCollection : ICollectionFixture<CheckoutTester>
{
    public const string Name = "Checkout E2E";
}
