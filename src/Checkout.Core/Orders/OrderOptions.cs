namespace Checkout.Core.Orders;

/// <summary>Configuration section <c>Checkout:Orders</c>.</summary>
public sealed class OrderOptions
{
    public const string Section = "Checkout:Orders";

    /// <summary>How often unpaid orders past expires_at are swept to <c>expired</c>.</summary>
    public TimeSpan ExpirySweepInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>expires_in when the merchant gives none.</summary>
    public TimeSpan DefaultExpiresIn { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>The longest expires_in a merchant may ask for.</summary>
    public TimeSpan MaxExpiresIn { get; set; } = TimeSpan.FromDays(30);
}
