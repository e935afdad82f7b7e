using System.Diagnostics;
using Checkout.Bench.Receiver;

namespace Checkout.Bench.Driver;

/// <summary>
/// confirm -> callback. Orders are created first (not measured), then confirmed at a fixed rate
/// (open loop: request i is sent at t0 + i/rate whatever happened to the others). The receiver runs
/// in this process, so the confirm response and the callback arrival share one monotonic clock.
/// Then the rate is stepped up to find the highest rate at which callbacks keep up.
/// </summary>
public static class CallbacksBench
{
    private const int MaxInFlight = 1024;

    public static async Task<int> RunAsync(Options o)
    {
        var baseUrl = new Uri(o.String("base"));
        var mode = o.String("mode", "confirm");
        var paymentMethod = o.String("payment-method", "pm_card_visa");
        var rate = o.Int("rate", 100);
        var seconds = o.Int("seconds", 20);
        var warmupSeconds = o.Int("warmup-seconds", 10);
        var steps = o.Ints("steps", "200,400,600,800,1000,1200,1600,2000");
        var stepSeconds = o.Int("step-seconds", 10);
        var drainSeconds = o.Int("drain-seconds", 20);
        var secret = o.String("webhook-secret", "whsec_demo");

        var (app, receiver) = ReceiverApp.Build(["--urls", "http://127.0.0.1:0", "--webhook-secret", secret, "--verify-every", "50"]);
        await app.StartAsync();
        try
        {
            var callbackUrl = app.Urls.First().TrimEnd('/') + "/callbacks";
            Report.Log($"receiver at {callbackUrl}; mode {mode} ({paymentMethod})");
            using var api = new MerchantApi(baseUrl);
            await api.AuthenticateAsync();

            // Warm-up at the measured rate: JIT, connection pools, SQLite pages.
            var warm = await api.CreateOrdersAsync(rate * warmupSeconds, callbackUrl, "bench-cb-warmup");
            await PacedAsync(api, receiver, warm, rate, mode, paymentMethod, drainSeconds);

            var ids = await api.CreateOrdersAsync(rate * seconds, callbackUrl, "bench-cb-fixed");
            Report.Log($"fixed rate: {ids.Length} orders at {rate}/s");
            var fixedRun = await PacedAsync(api, receiver, ids, rate, mode, paymentMethod, drainSeconds);

            var stepResults = new List<StepResult>();
            foreach (var stepRate in steps)
            {
                var stepIds = await api.CreateOrdersAsync(stepRate * stepSeconds, callbackUrl, $"bench-cb-{stepRate}");
                await api.AuthenticateAsync(); // a fresh token per step: steps can outlast nothing, but stay safe
                Report.Log($"step {stepRate}/s: {stepIds.Length} orders");
                var run = await PacedAsync(api, receiver, stepIds, stepRate, mode, paymentMethod, drainSeconds);
                var step = StepResult.From(stepRate, stepSeconds, run);
                stepResults.Add(step);
                Report.Log($"step {stepRate}/s: confirmed {step.ConfirmedPerSecond}/s, delivered {step.DeliveredPerSecond}/s, backlog {step.BacklogMid} -> {step.BacklogEnd}, drained in {step.DrainSeconds} s, sustained {step.Sustained}");
                if (!step.Sustained) break;
            }

            var sustained = stepResults.Where(s => s.Sustained).Select(s => s.Rate).DefaultIfEmpty(0).Max();
            Report.Result(new
            {
                mode,
                payment_method = paymentMethod,
                rate,
                seconds,
                fixed_run = fixedRun.Summary(),
                steps = stepResults,
                sustained_callbacks_per_second = sustained,
                receiver = new { received = receiver.Received, verified = receiver.Verified, bad_signatures = receiver.BadSignatures, duplicates = receiver.Duplicates },
            });
            return receiver.BadSignatures == 0 && receiver.Verified > 0 ? 0 : 3;
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    public sealed class PacedRun
    {
        public required string[] Ids { get; init; }
        public required int Rate { get; init; }
        public required long[] Sent { get; init; }
        public required long[] Responded { get; init; }
        public required int[] Status { get; init; }
        public required long Start { get; init; }
        public int Confirmed;
        public int Failed;
        public string? FirstFailure;
        public double LaunchSeconds;
        public int ConfirmedAtEnd;
        public int DeliveredAtEnd;
        public int ConfirmedAtMid;
        public int DeliveredAtMid;
        public double DrainSeconds;
        public int Missing;
        public required CallbackReceiver Receiver { get; init; }

        public int Delivered() => Ids.Count(id => Receiver.TryGetArrival(id, out _));

        /// <summary>Callback arrival minus confirm response (ms); callbacks that never came count as the drain limit.</summary>
        public object Summary()
        {
            var fromResponse = new List<double>();
            var fromRequest = new List<double>();
            var beforeResponse = 0;
            for (var i = 0; i < Ids.Length; i++)
            {
                if (Status[i] is < 200 or > 299) continue;
                if (!Receiver.TryGetArrival(Ids[i], out var arrival))
                {
                    fromResponse.Add(DrainSeconds * 1000);
                    fromRequest.Add(DrainSeconds * 1000);
                    continue;
                }
                var ms = Report.Ms(arrival.Timestamp - Responded[i]);
                if (ms < 0) beforeResponse++;
                fromResponse.Add(ms);
                fromRequest.Add(Report.Ms(arrival.Timestamp - Sent[i]));
            }
            fromResponse.Sort();
            fromRequest.Sort();
            var confirmLatency = Enumerable.Range(0, Ids.Length).Where(i => Status[i] is >= 200 and <= 299)
                .Select(i => Report.Ms(Responded[i] - Sent[i])).Order().ToList();
            return new
            {
                orders = Ids.Length,
                confirmed = Confirmed,
                failed = Failed,
                first_failure = FirstFailure,
                missing_callbacks = Missing,
                achieved_rate = Report.Round(Confirmed / Math.Max(LaunchSeconds, 1e-9), 1),
                p50_ms = Report.Round(Report.Percentile(fromResponse, 50)),
                p90_ms = Report.Round(Report.Percentile(fromResponse, 90)),
                p99_ms = Report.Round(Report.Percentile(fromResponse, 99)),
                max_ms = Report.Round(fromResponse.Count > 0 ? fromResponse[^1] : double.NaN),
                callbacks_before_response = beforeResponse,
                from_request_p50_ms = Report.Round(Report.Percentile(fromRequest, 50)),
                from_request_p99_ms = Report.Round(Report.Percentile(fromRequest, 99)),
                confirm_p50_ms = Report.Round(Report.Percentile(confirmLatency, 50)),
                confirm_p99_ms = Report.Round(Report.Percentile(confirmLatency, 99)),
            };
        }
    }

    public sealed record StepResult(int Rate, double ConfirmedPerSecond, double DeliveredPerSecond, int BacklogMid, int BacklogEnd,
        double DrainSeconds, int Failed, int Missing, double ConfirmP99Ms, bool Sustained, string Verdict)
    {
        public static StepResult From(int rate, int seconds, PacedRun run)
        {
            var confirmed = run.ConfirmedAtEnd / (double)seconds;
            var delivered = run.DeliveredAtEnd / (double)seconds;
            var backlogMid = run.ConfirmedAtMid - run.DeliveredAtMid;
            var backlogEnd = run.ConfirmedAtEnd - run.DeliveredAtEnd;
            // Keeping up: the API took (nearly) the offered rate, and what is confirmed but not yet
            // delivered at the end is a short in-flight tail (a quarter second of work), not a queue.
            var apiKeptUp = confirmed >= 0.95 * rate && run.Failed == 0;
            var backlogOk = backlogEnd <= Math.Max(25, rate / 4) && run.Missing == 0;
            var verdict = apiKeptUp && backlogOk ? "kept up"
                : !apiKeptUp && backlogOk ? "confirm API fell behind (callbacks kept up with what it confirmed)"
                : apiKeptUp ? "callback backlog grew"
                : "confirm API fell behind and the callback backlog grew";
            var latencies = Enumerable.Range(0, run.Ids.Length).Where(i => run.Status[i] is >= 200 and <= 299)
                .Select(i => Report.Ms(run.Responded[i] - run.Sent[i])).Order().ToList();
            return new StepResult(rate, Report.Round(confirmed, 1), Report.Round(delivered, 1), backlogMid, backlogEnd,
                Report.Round(run.DrainSeconds, 2), run.Failed, run.Missing, Report.Round(Report.Percentile(latencies, 99)), apiKeptUp && backlogOk, verdict);
        }
    }

    /// <summary>Sends one confirm per id at <paramref name="rate"/>/s, then waits (bounded) for every callback.</summary>
    private static async Task<PacedRun> PacedAsync(MerchantApi api, CallbackReceiver receiver, string[] ids, int rate, string mode, string paymentMethod, int drainSeconds)
    {
        var n = ids.Length;
        var run = new PacedRun
        {
            Ids = ids, Rate = rate, Receiver = receiver,
            Sent = new long[n], Responded = new long[n], Status = new int[n],
            Start = Stopwatch.GetTimestamp(),
        };
        var seconds = n / (double)rate;
        var gate = new SemaphoreSlim(MaxInFlight);
        var tasks = new List<Task>(n);

        // Samples at the middle and at the end of the schedule: confirmed (answered 2xx) vs delivered.
        var sampler = Task.Run(async () =>
        {
            await DelayUntil(run.Start, seconds / 2);
            (run.ConfirmedAtMid, run.DeliveredAtMid) = (Volatile.Read(ref run.Confirmed), run.Delivered());
            await DelayUntil(run.Start, seconds);
            (run.ConfirmedAtEnd, run.DeliveredAtEnd) = (Volatile.Read(ref run.Confirmed), run.Delivered());
        });

        var launched = 0;
        var perRequest = Stopwatch.Frequency / (double)rate;
        while (launched < n)
        {
            var due = Math.Min(n, (int)((Stopwatch.GetTimestamp() - run.Start) / perRequest) + 1);
            while (launched < due)
            {
                await gate.WaitAsync();
                var i = launched++;
                tasks.Add(SendAsync(api, run, i, mode, paymentMethod, gate));
            }
            await Task.Delay(1);
        }
        run.LaunchSeconds = Report.Ms(Stopwatch.GetTimestamp() - run.Start) / 1000;

        await sampler;
        var deadline = Stopwatch.GetTimestamp() + drainSeconds * Stopwatch.Frequency;
        var all = Task.WhenAll(tasks);
        await Task.WhenAny(all, Task.Delay(TimeSpan.FromSeconds(drainSeconds)));
        while (Stopwatch.GetTimestamp() < deadline && run.Delivered() < Volatile.Read(ref run.Confirmed))
            await Task.Delay(20);
        var end = Stopwatch.GetTimestamp();
        run.DrainSeconds = Report.Ms(end - run.Start) / 1000 - seconds;
        run.Missing = Volatile.Read(ref run.Confirmed) - run.Delivered();
        if (!all.IsCompleted) Report.Log($"warning: {tasks.Count(t => !t.IsCompleted)} confirms still unanswered after the drain limit");
        return run;
    }

    private static async Task SendAsync(MerchantApi api, PacedRun run, int i, string mode, string paymentMethod, SemaphoreSlim gate)
    {
        try
        {
            using var request = api.SettleRequest(run.Ids[i], mode, paymentMethod);
            run.Sent[i] = Stopwatch.GetTimestamp();
            using var response = await api.Http.SendAsync(request, HttpCompletionOption.ResponseContentRead);
            run.Responded[i] = Stopwatch.GetTimestamp();
            run.Status[i] = (int)response.StatusCode;
            if (response.IsSuccessStatusCode) Interlocked.Increment(ref run.Confirmed);
            else
            {
                Interlocked.Increment(ref run.Failed);
                run.FirstFailure ??= $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
        }
        catch (Exception ex)
        {
            run.Responded[i] = Stopwatch.GetTimestamp();
            Interlocked.Increment(ref run.Failed);
            run.FirstFailure ??= ex.GetType().Name + ": " + ex.Message;
        }
        finally
        {
            gate.Release();
        }
    }

    private static async Task DelayUntil(long start, double seconds)
    {
        var remaining = seconds - Report.Ms(Stopwatch.GetTimestamp() - start) / 1000;
        if (remaining > 0) await Task.Delay(TimeSpan.FromSeconds(remaining));
    }
}
