namespace Checkout.Core.Callbacks;

/// <summary>
/// Lease expiries as the database stores them. A holder proves it still owns a delivery by comparing
/// the stored <see cref="CallbackDelivery.LeasedUntil"/> with the value it wrote, so the value must
/// survive the round trip exactly: whole milliseconds do on every provider (SQLite's ticks
/// converter keeps 100 µs, PostgreSQL 1 µs).
/// </summary>
public static class LeaseExpiry
{
    private static long _lastPollLeaseTicks;

    /// <summary><paramref name="now"/> + <paramref name="duration"/>, cut to whole milliseconds.</summary>
    public static DateTimeOffset After(DateTimeOffset now, TimeSpan duration) => WholeMilliseconds(now + duration);

    /// <summary>
    /// Like <see cref="After"/>, but not a value this process handed out within the last second. A
    /// batch lease finds the rows it won by their expiry; two polls (of one dispatcher, or of two hosts
    /// in one process) writing the same expiry could not tell their rows apart. Values further apart
    /// are left alone, so a clock that jumps (a test clock) never pushes leases far into the future.
    /// </summary>
    public static DateTimeOffset Unique(DateTimeOffset now, TimeSpan duration)
    {
        var candidate = After(now, duration);
        while (true)
        {
            var last = Interlocked.Read(ref _lastPollLeaseTicks);
            var ticks = candidate.UtcTicks;
            if (ticks <= last && last - ticks < TimeSpan.TicksPerSecond) ticks = last + TimeSpan.TicksPerMillisecond;
            if (Interlocked.CompareExchange(ref _lastPollLeaseTicks, ticks, last) == last)
                return new DateTimeOffset(ticks, TimeSpan.Zero).ToOffset(candidate.Offset);
        }
    }

    private static DateTimeOffset WholeMilliseconds(DateTimeOffset value) =>
        new(value.Ticks - value.Ticks % TimeSpan.TicksPerMillisecond, value.Offset);
}
