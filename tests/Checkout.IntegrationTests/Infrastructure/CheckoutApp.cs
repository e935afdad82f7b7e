using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Checkout.IntegrationTests.Infrastructure;

/// <summary>
/// The real Checkout app on Kestrel (a real loopback port) over a real SQLite file. Pass the same
/// database path to a second instance to simulate a restart.
/// </summary>
public sealed class CheckoutApp : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly TimeProvider? _clock;

    public CheckoutApp(string? databasePath = null, IReadOnlyDictionary<string, string?>? settings = null, TimeProvider? clock = null)
    {
        DatabasePath = databasePath ?? Path.Combine(Path.GetTempPath(), $"checkout-it-{Guid.NewGuid():N}.db");
        _clock = clock;
        _settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Checkout"] = $"Data Source={DatabasePath}",
            ["Checkout:Sandbox:Enabled"] = "true",
            ["Checkout:Callbacks:AllowPrivateNetworks"] = "true",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        // A fake clock fires periodic timers once per period it skips: keep sweeps rare so Advance(24h) stays cheap.
        if (clock is not null) _settings["Checkout:Orders:ExpirySweepInterval"] = "01:00:00";
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>()) _settings[key] = value;
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
    }

    public string DatabasePath { get; }

    /// <summary>Where the app listens, e.g. http://127.0.0.1:43123.</summary>
    public Uri BaseAddress
    {
        get
        {
            StartServer();
            var address = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return new Uri(address);
        }
    }

    /// <summary>A client talking real HTTP to the app.</summary>
    public HttpClient CreateHttpClient() => new() { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        // A null value means "leave the key unset", so the app's own default applies.
        foreach (var (key, value) in _settings.Where(s => s.Value is not null)) builder.UseSetting(key, value);
        if (_clock is not null)
            builder.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton(_clock)));
    }

    /// <summary>Deletes the database files; call after the last instance on this path is disposed.</summary>
    public static void DeleteDatabase(string path)
    {
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            try { File.Delete(file); } catch (IOException) { /* still held by a pooled connection: temp dir cleans it */ }
        }
    }
}
