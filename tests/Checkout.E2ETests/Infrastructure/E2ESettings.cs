using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Checkout.E2ETests.Infrastructure;

/// <summary>
/// <c>playwright.config.json</c>: browser, timeouts, artifact policy and an optional target instance,
/// so QA can point the same suite at any running Checkout.
/// </summary>
public sealed record E2ESettings
{
    public const string FileName = "playwright.config.json";
    public const string BaseUrlVariable = "CHECKOUT_E2E_BASE_URL";

    public string BrowserPath { get; init; } = "/usr/bin/chromium";
    public string[] LaunchArgs { get; init; } = ["--no-sandbox", "--disable-gpu"];
    public bool Headless { get; init; } = true;
    public int TimeoutMs { get; init; } = 15_000;
    public int ExpectTimeoutMs { get; init; } = 10_000;
    public int AppStartTimeoutMs { get; init; } = 60_000;
    public int CallbackTimeoutMs { get; init; } = 20_000;

    /// <summary><c>off</c>, <c>on</c> or <c>retain-on-failure</c>.</summary>
    public string Trace { get; init; } = "retain-on-failure";

    /// <summary><c>off</c>, <c>on</c> or <c>only-on-failure</c>.</summary>
    public string Screenshot { get; init; } = "only-on-failure";

    public string ArtifactsDir { get; init; } = "artifacts/e2e";

    /// <summary>Null: the suite starts the app itself. Set: the suite runs against that instance.</summary>
    public string? BaseUrl { get; init; }

    public MerchantCredentials Merchant { get; init; } = new();
    public ShopperCredentials Shopper { get; init; } = new();

    /// <summary>Where relative paths (artifacts) resolve: the repo root, or the test output folder outside a clone.</summary>
    [JsonIgnore] public string Root { get; init; } = AppContext.BaseDirectory;

    [JsonIgnore] public string ArtifactsPath => Path.GetFullPath(Path.Combine(Root, ArtifactsDir));

    public static E2ESettings Load()
    {
        var repoRoot = RepoLayout.FindRepoRoot();
        var file = new[] { repoRoot, AppContext.BaseDirectory }
            .Where(d => d is not null)
            .Select(d => Path.Combine(d!, FileName))
            .FirstOrDefault(File.Exists);

        var settings = file is null
            ? new E2ESettings()
            : JsonSerializer.Deserialize<E2ESettings>(File.ReadAllText(file), JsonOptions)
              ?? throw new InvalidOperationException($"{file} is empty.");

        var baseUrl = Environment.GetEnvironmentVariable(BaseUrlVariable);
        return settings with
        {
            Root = repoRoot ?? AppContext.BaseDirectory,
            BaseUrl = string.IsNullOrWhiteSpace(baseUrl) ? settings.BaseUrl : baseUrl,
        };
    }

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };
}

public sealed record MerchantCredentials
{
    public string ClientId { get; init; } = "demo_merchant";
    public string ClientSecret { get; init; } = "demo_secret";
    public string WebhookSecret { get; init; } = "whsec_demo";
    public string Name { get; init; } = "Demo Merchant";
}

public sealed record ShopperCredentials
{
    public string Email { get; init; } = "shopper@example.com";
    public string Password { get; init; } = "Shopper123!";
}

/// <summary>Where the repo and the built app are.</summary>
public static class RepoLayout
{
    public static string? FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Checkout.sln"))) return dir.FullName;
        return null;
    }

    /// <summary>The Configuration this suite was built with; the app is built alongside with the same one.</summary>
    public static string BuildConfiguration =>
        typeof(RepoLayout).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration is { Length: > 0 } c ? c : "Debug";
}
