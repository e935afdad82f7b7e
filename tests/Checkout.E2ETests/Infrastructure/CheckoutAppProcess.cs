using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Checkout.E2ETests.Infrastructure;

/// <summary>
/// The real Checkout.Web built dll, started as its own process on a free loopback port with a fresh
/// SQLite file and the sandbox on. Its stdout/stderr go to a log file that failures point at.
/// </summary>
public sealed class CheckoutAppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly string _dataDir;
    private readonly Lock _logLock = new();

    private CheckoutAppProcess(Process process, StreamWriter log, string logPath, string dataDir, Uri baseUrl)
    {
        _process = process;
        _log = log;
        LogPath = logPath;
        _dataDir = dataDir;
        BaseUrl = baseUrl;
    }

    public const string DatabaseFileName = "e2e.db";

    public Uri BaseUrl { get; }
    public string LogPath { get; }

    /// <summary>The app's SQLite database file; SQLite keeps <c>-wal</c> and <c>-shm</c> files beside it.</summary>
    public string DatabasePath => Path.Combine(_dataDir, DatabaseFileName);

    public static async Task<CheckoutAppProcess> StartAsync(string repoRoot, string artifactsPath, TimeSpan startTimeout)
    {
        var contentRoot = Path.Combine(repoRoot, "src", "Checkout.Web");
        var dll = FindAppDll(contentRoot);
        var port = FreeLoopbackPort();
        var baseUrl = new Uri($"http://127.0.0.1:{port}");
        var dataDir = Directory.CreateTempSubdirectory("checkout-e2e-").FullName;

        Directory.CreateDirectory(artifactsPath);
        var logPath = Path.Combine(artifactsPath, "checkout-app.log");
        var log = new StreamWriter(logPath, append: false, Encoding.UTF8) { AutoFlush = true };
        log.WriteLine($"# {DateTimeOffset.UtcNow:O} dotnet {dll} --urls {baseUrl} (data: {dataDir})");

        var start = new ProcessStartInfo(DotnetHost(), [dll, "--urls", baseUrl.ToString().TrimEnd('/'), "--contentRoot", contentRoot])
        {
            WorkingDirectory = contentRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var env = start.Environment;
        env["ASPNETCORE_ENVIRONMENT"] = "Development"; // the built dll serves static assets only in Development
        env["DOTNET_ENVIRONMENT"] = "Development";
        env.Remove("ASPNETCORE_URLS");
        env.Remove("ASPNETCORE_HTTP_PORTS");
        env.Remove("ASPNETCORE_HTTPS_PORTS");
        env["ConnectionStrings__Checkout"] = $"Data Source={Path.Combine(dataDir, DatabaseFileName)}";
        env["Checkout__Sandbox__Enabled"] = "true";
        env["Checkout__Callbacks__AllowPrivateNetworks"] = "true"; // the fake merchant listens on 127.0.0.1
        // Late authorizations, refunds and disputes settle within seconds so flows can wait for them.
        env["Checkout__Sandbox__SettleDelay"] = "00:00:02";
        env["Checkout__Sandbox__RefundDelay"] = "00:00:02";
        env["Checkout__Sandbox__DisputeDelay"] = "00:00:02";
        env["Checkout__Payments__ReconcileInterval"] = "00:00:00.500";
        env["Checkout__Callbacks__RetrySchedule__0"] = "00:00:01";
        env["Checkout__Callbacks__RetrySchedule__1"] = "00:00:02";
        env["Checkout__Callbacks__RetrySchedule__2"] = "00:00:05";
        env["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        // Checkout's own debug logging too, so the card-data test also covers what a debugging operator would see.
        env["Logging__LogLevel__Checkout"] = "Debug";

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var app = new CheckoutAppProcess(process, log, logPath, dataDir, baseUrl);
        process.OutputDataReceived += (_, e) => app.WriteLog("out", e.Data);
        process.ErrorDataReceived += (_, e) => app.WriteLog("err", e.Data);
        if (!process.Start()) throw new InvalidOperationException($"Could not start {dll}.");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await app.WaitUntilServingAsync(startTimeout);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        return app;
    }

    /// <summary>The last lines the app wrote, for failure messages.</summary>
    public string LogTail(int lines = 60)
    {
        lock (_logLock)
        {
            try
            {
                using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                using var reader = new StreamReader(stream);
                var all = reader.ReadToEnd().Split('\n');
                return string.Join('\n', all.TakeLast(lines));
            }
            catch (IOException e)
            {
                return $"(could not read {LogPath}: {e.Message})";
            }
        }
    }

    private void WriteLog(string stream, string? line)
    {
        if (line is null) return;
        lock (_logLock)
        {
            try { _log.WriteLine($"[{stream}] {line}"); }
            catch (ObjectDisposedException) { }
        }
    }

    private Task WaitUntilServingAsync(TimeSpan timeout) =>
        WaitUntilServingAsync(BaseUrl, timeout, () =>
            _process.HasExited ? $"Checkout exited with code {_process.ExitCode} while starting. Log: {LogPath}\n{LogTail()}" : null,
            () => $"Log: {LogPath}\n{LogTail()}");

    /// <summary>Polls <c>GET /</c> until it answers 200, the process dies (<paramref name="died"/>) or time is up.</summary>
    public static async Task WaitUntilServingAsync(Uri baseUrl, TimeSpan timeout, Func<string?>? died = null, Func<string>? context = null)
    {
        using var http = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        var last = "no answer yet";
        while (clock.Elapsed < timeout)
        {
            if (died?.Invoke() is { } why) throw new InvalidOperationException(why);
            try
            {
                using var response = await http.GetAsync("/");
                if (response.StatusCode == HttpStatusCode.OK) return;
                last = $"GET / answered {(int)response.StatusCode}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
        throw new TimeoutException($"Checkout at {baseUrl} did not answer GET / with 200 within {timeout} ({last}). {context?.Invoke()}");
    }

    private static string FindAppDll(string contentRoot)
    {
        var configuration = RepoLayout.BuildConfiguration;
        var candidates = new[] { configuration, "Debug", "Release" }.Distinct()
            .Select(c => Path.Combine(contentRoot, "bin", c, "net10.0", "Checkout.Web.dll"))
            .ToList();
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException(
                $"Checkout.Web is not built; looked for {string.Join(", ", candidates)}. Run 'dotnet build Checkout.sln -c {configuration}'.");
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(wait.Token);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or OperationCanceledException) { }
        finally
        {
            _process.Dispose();
            lock (_logLock) _log.Dispose();
            try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
