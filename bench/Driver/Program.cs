namespace Checkout.Bench.Driver;

public static class Program
{
    private const string Usage = """
        usage: Checkout.Bench.Driver <command> [--option value ...]
          callbacks --base URL [--mode confirm|cancel] [--rate 100] [--seconds 20] [--steps 200,400,...] [--step-seconds 10]
          ttfb      --base URL [--count 200] [--warmup 20]
          circuits  --base URL --pid PID [--page approve|home] [--pages 50] [--warmup-pages 5] [--settle-seconds 10] [--chromium /usr/bin/chromium]
          startup   --exe PATH --content-root DIR --db FILE [--runs 5]
          heap      --pid PID      (managed heap after a forced full GC, and RSS)
        Each prints one line 'BENCHJSON {...}' on stdout; progress goes to stderr.
        """;

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }
        var options = Options.Parse(args.Skip(1));
        switch (args[0])
        {
            case "callbacks": return await CallbacksBench.RunAsync(options);
            case "ttfb": return await ApprovePageBench.TtfbAsync(options);
            case "circuits": return await ApprovePageBench.CircuitsAsync(options);
            case "startup": return await StartupBench.RunAsync(options);
            case "heap":
                var pid = options.Int("pid", 0);
                var heap = await ManagedHeap.AfterFullGcAsync(pid, TimeSpan.FromSeconds(30));
                Report.Result(new { managed_heap_kb = heap / 1024, rss_kb = ApprovePageBench.RssKb(pid) });
                return 0;
            default:
                Console.Error.WriteLine(Usage);
                return 2;
        }
    }
}
