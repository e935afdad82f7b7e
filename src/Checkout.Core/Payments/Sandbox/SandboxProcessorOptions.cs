namespace Checkout.Core.Payments.Sandbox;

/// <summary>Configuration section <c>Checkout:Sandbox</c>: how quickly the simulated processor answers later.</summary>
public sealed class SandboxProcessorOptions
{
    public const string Section = "Checkout:Sandbox";

    /// <summary>When a late authorization (7726 / 7734) settles.</summary>
    public TimeSpan SettleDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long after the dispute card (0259) succeeds its dispute opens.</summary>
    public TimeSpan DisputeDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>When a refund settles (succeeded, or failed for 5126).</summary>
    public TimeSpan RefundDelay { get; set; } = TimeSpan.FromSeconds(3);
}
