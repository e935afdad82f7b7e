using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace Checkout.Bench.Driver;

/// <summary>
/// The live managed heap of another .NET process, without changing it: an EventPipe session with the
/// runtime's GCHeapCollect keyword makes it run a full blocking GC (as dotnet-gcdump does), and the
/// GCHeapStats event that follows gives every generation's size after that GC.
/// </summary>
public static class ManagedHeap
{
    public static async Task<long?> AfterFullGcAsync(int pid, TimeSpan timeout)
    {
        var client = new DiagnosticsClient(pid);
        var keywords = (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.GCHeapCollect);
        using var session = client.StartEventPipeSession(
            [new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, keywords)],
            requestRundown: false);
        using var source = new EventPipeEventSource(session.EventStream);
        long? total = null;
        var induced = false;
        source.Clr.GCStart += e =>
        {
            if (e.Reason == GCReason.Induced && e.Depth == 2) induced = true;
        };
        source.Clr.GCHeapStats += e =>
        {
            if (!induced || total is not null) return;
            total = e.GenerationSize0 + e.GenerationSize1 + e.GenerationSize2 + e.GenerationSize3 + e.GenerationSize4;
            try { session.Stop(); } catch (ServerNotAvailableException) { }
        };
        var processing = Task.Run(() => source.Process());
        var finished = await Task.WhenAny(processing, Task.Delay(timeout));
        if (finished != processing)
        {
            try { session.Stop(); } catch (ServerNotAvailableException) { }
            await Task.WhenAny(processing, Task.Delay(TimeSpan.FromSeconds(5)));
        }
        return total;
    }
}
