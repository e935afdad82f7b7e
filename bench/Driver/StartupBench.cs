using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Checkout.Bench.Driver;

/// <summary>
/// Start-up: from starting the process to the first <c>GET /</c> that answers 200, on an existing
/// database (one unmeasured start creates and seeds it first). Polls every 5 ms; median of the runs.
/// </summary>
public static class StartupBench
{
    public static async Task<int> RunAsync(Options o)
    {
        var exe = o.String("exe");
        var contentRoot = o.String("content-root");
        var db = o.String("db");
        var runs = o.Int("runs", 5);
        var timeout = TimeSpan.FromSeconds(o.Int("timeout-seconds", 60));

        await StartOnceAsync(exe, contentRoot, db, timeout); // creates/migrates/seeds: the database now exists
        var times = new List<double>();
        for (var i = 0; i < runs; i++)
        {
            var seconds = await StartOnceAsync(exe, contentRoot, db, timeout);
            Report.Log($"start-up run {i + 1}: {seconds:0.000} s");
            times.Add(seconds);
        }
        var sorted = times.Order().ToList();
        Report.Result(new
        {
            runs = times.Select(t => Report.Round(t, 3)).ToArray(),
            median_s = Report.Round(sorted[sorted.Count / 2], 3),
            min_s = Report.Round(sorted[0], 3),
            max_s = Report.Round(sorted[^1], 3),
        });
        return 0;
    }

    private static async Task<double> StartOnceAsync(string exe, string contentRoot, string db, TimeSpan timeout)
    {
        var port = FreePort();
        var url = $"http://127.0.0.1:{port}";
        var start = exe.EndsWith(".dll", StringComparison.Ordinal)
            ? new ProcessStartInfo("dotnet") { ArgumentList = { exe } }
            : new ProcessStartInfo(exe);
        foreach (var arg in new[]
        {
            "--urls", url, "--contentRoot", contentRoot,
            $"--ConnectionStrings:Checkout=Data Source={db}",
            "--Checkout:Sandbox:Enabled=true", "--Checkout:Callbacks:AllowPrivateNetworks=true", "--Logging:LogLevel:Default=Warning",
        }) start.ArgumentList.Add(arg);
        start.WorkingDirectory = contentRoot;
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment.Remove("ASPNETCORE_URLS");

        using var http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(1) }) { Timeout = TimeSpan.FromSeconds(10) };
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {exe}.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Report.Log($"app: {e.Data}"); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            while (clock.Elapsed < timeout)
            {
                if (process.HasExited) throw new InvalidOperationException($"Checkout exited with {process.ExitCode} while starting.");
                try
                {
                    using var response = await http.GetAsync(url + "/");
                    if (response.StatusCode == HttpStatusCode.OK) return clock.Elapsed.TotalSeconds;
                }
                catch (HttpRequestException)
                {
                    // not listening yet
                }
                await Task.Delay(5);
            }
            throw new TimeoutException($"No 200 from GET / within {timeout}.");
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
