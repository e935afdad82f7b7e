namespace Checkout.Core.Refunds;

/// <summary>Configuration section <c>Checkout:Refunds</c>.</summary>
public sealed class RefundOptions
{
    public const string Section = "Checkout:Refunds";

    /// <summary>
    /// The refund window: a payment captured longer ago than this cannot be refunded
    /// (<c>charge_expired</c>); card networks stop accepting refunds of old charges.
    /// </summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromDays(180);

    /// <summary>How often refunds in flight are handed to, or checked with, their processor.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one worker owns a refund it took; a crashed worker's refund is taken over after this.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How many refunds one pass of the background service takes.</summary>
    public int PassSize { get; set; } = 100;

    /// <summary>How many items of a batch request are made at the same time.</summary>
    public int BatchConcurrency { get; set; } = 8;

    internal string? Problem() =>
        Window <= TimeSpan.Zero ? "Window must be positive."
        : PollInterval <= TimeSpan.Zero ? "PollInterval must be positive."
        : LeaseDuration <= TimeSpan.Zero ? "LeaseDuration must be positive."
        : PassSize < 1 ? "PassSize must be at least 1."
        : BatchConcurrency < 1 ? "BatchConcurrency must be at least 1."
        : null;
}
