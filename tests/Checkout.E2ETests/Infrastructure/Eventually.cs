using System.Diagnostics;

namespace Checkout.E2ETests.Infrastructure;

/// <summary>
/// Bounded polling for things that happen in the background (callbacks, state changes): retry an
/// assertion on a short interval until it passes or the time is up, then fail with its last error.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    public static async Task AssertAsync(Func<Task> assertion, TimeSpan timeout)
    {
        await GetAsync(async () => { await assertion(); return true; }, timeout);
    }

    public static Task AssertAsync(Action assertion, TimeSpan timeout) =>
        AssertAsync(() => { assertion(); return Task.CompletedTask; }, timeout);

    /// <summary>The first value <paramref name="probe"/> gives without throwing.</summary>
    public static async Task<T> GetAsync<T>(Func<Task<T>> probe, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return await probe();
            }
            catch (Exception e) when (clock.Elapsed < timeout && e is not OperationCanceledException)
            {
                await Task.Delay(Interval);
            }
            catch (Exception e) when (clock.Elapsed >= timeout)
            {
                throw new TimeoutException($"Still failing after {timeout.TotalSeconds:0.#} s: {e.Message}", e);
            }
        }
    }
}
