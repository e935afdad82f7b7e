namespace Checkout.Core.Callbacks;

/// <summary>Configuration section <c>Checkout:Callbacks</c>: how the dispatcher delivers callbacks.</summary>
public sealed class CallbackOptions
{
    public const string Section = "Checkout:Callbacks";

    /// <summary>About three days in all: quick retries for blips, then hours apart for outages.</summary>
    public static readonly IReadOnlyList<TimeSpan> DefaultRetrySchedule =
    [
        TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(2), TimeSpan.FromHours(5), TimeSpan.FromHours(10),
        TimeSpan.FromHours(12), TimeSpan.FromHours(24), TimeSpan.FromHours(24),
    ];

    /// <summary>
    /// The wait after each failed attempt; once it runs out the delivery is failed. Null until
    /// configured, because binding a list appends to a pre-filled one instead of replacing it.
    /// </summary>
    public List<TimeSpan>? RetrySchedule { get; set; }

    /// <summary>The schedule in force: the configured one, or <see cref="DefaultRetrySchedule"/>.</summary>
    public IReadOnlyList<TimeSpan> EffectiveRetrySchedule => RetrySchedule is { Count: > 0 } ? RetrySchedule : DefaultRetrySchedule;

    /// <summary>Fallback poll for due deliveries when no commit wakes the dispatcher (e.g. another instance wrote them).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one POST may take before it counts as a failed attempt.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Deliveries in flight at once per instance.</summary>
    public int MaxConcurrency { get; set; } = 16;

    /// <summary>How long a leased delivery belongs to one instance; after a crash, another retakes it when this runs out.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Allows callbacks to loopback, private and link-local addresses (the sandbox needs it; production should not).</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Why these options cannot work, or null when they can.</summary>
    public string? Problem() =>
        PollInterval <= TimeSpan.Zero ? "PollInterval must be positive."
        : Timeout <= TimeSpan.Zero ? "Timeout must be positive."
        : MaxConcurrency < 1 ? "MaxConcurrency must be at least 1."
        // A lease shorter than a send would let a second instance send the same attempt concurrently.
        : LeaseDuration <= Timeout ? "LeaseDuration must be longer than Timeout."
        : EffectiveRetrySchedule.Any(t => t < TimeSpan.Zero) ? "RetrySchedule entries must not be negative."
        : null;
}
