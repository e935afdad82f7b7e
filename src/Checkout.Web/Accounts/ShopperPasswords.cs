using Checkout.Core.Shoppers;
using Microsoft.AspNetCore.Identity;

namespace Checkout.Web.Accounts;

/// <summary>Shopper passwords through ASP.NET Core's PasswordHasher (PBKDF2, versioned format).</summary>
public sealed class ShopperPasswords
{
    private readonly PasswordHasher<Shopper> _hasher = new();

    public string Hash(string password) => _hasher.HashPassword(null!, password);

    public bool Verify(Shopper shopper, string password, out bool needsRehash)
    {
        var result = _hasher.VerifyHashedPassword(shopper, shopper.PasswordHash, password);
        needsRehash = result == PasswordVerificationResult.SuccessRehashNeeded;
        return result != PasswordVerificationResult.Failed;
    }
}
