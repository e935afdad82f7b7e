namespace Checkout.Core.Payments;

/// <summary>Configuration section <c>Checkout:Payments</c>.</summary>
public sealed class PaymentOptions
{
    public const string Section = "Checkout:Payments";

    /// <summary>Declined attempts after which the order fails.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>An authorization not captured within this time is voided and the order canceled.</summary>
    public TimeSpan AuthorizationTtl { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often processing orders, stale authorizations and due disputes are checked.</summary>
    public TimeSpan ReconcileInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How many order ids reconciliation reads at a time (it pages through all that are due).</summary>
    public int ReconcileBatchSize { get; set; } = 100;
}
