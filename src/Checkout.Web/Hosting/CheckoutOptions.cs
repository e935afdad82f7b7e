namespace Checkout.Web.Hosting;

/// <summary>Configuration section <c>Checkout:Sandbox</c>.</summary>
public sealed class SandboxOptions
{
    public const string Section = "Checkout:Sandbox";

    /// <summary>Seeds the demo merchant and shopper. Defaults to on in Development, off elsewhere.</summary>
    public bool Enabled { get; set; }

    /// <summary>Wallet balance each sandbox shopper starts with, in major units of every currency.</summary>
    public long WalletBalance { get; set; } = 1000;
}

/// <summary>Configuration section <c>Checkout:Tokens</c>.</summary>
public sealed class TokenOptions
{
    public const string Section = "Checkout:Tokens";

    public TimeSpan Lifetime { get; set; } = TimeSpan.FromHours(1);

    public string Issuer { get; set; } = "checkout";
}

/// <summary>Configuration section <c>Checkout:Accounts</c>: shopper sign-in.</summary>
public sealed class AccountOptions
{
    public const string Section = "Checkout:Accounts";

    public int MaxFailedSignIns { get; set; } = 5;

    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>Configuration section <c>Checkout</c>: the address shoppers reach Checkout on (behind a proxy).</summary>
public sealed class PublicUrlOptions
{
    public const string Section = "Checkout";

    /// <summary>e.g. https://pay.example.com; when empty, links use the request's own scheme and host.</summary>
    public string? PublicUrl { get; set; }
}
