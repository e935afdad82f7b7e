using Checkout.Core.Common;
using Checkout.Core.Data;
using Checkout.Core.Merchants;
using Checkout.Core.Orders;
using Checkout.Core.Shoppers;
using Checkout.Web.Accounts;

namespace Checkout.ComponentTests.Infrastructure;

/// <summary>Builders for the rows the pages read: a merchant, a shopper with a wallet, orders.</summary>
public static class CheckoutData
{
    public const string MerchantId = "demo_merchant";
    public const string MerchantName = "Demo Merchant";
    public const string SuccessUrl = "https://shop.example/ok?cart=7";
    public const string ErrorUrl = "https://shop.example/err";

    public static Merchant Merchant(DateTimeOffset now) =>
        Core.Merchants.Merchant.Create(MerchantId, MerchantName, "secret", "whsec", ["shop.example"], now);

    public static Shopper Shopper(string email, string password, DateTimeOffset now) =>
        Core.Shoppers.Shopper.Create(email, new ShopperPasswords().Hash(password), now);

    public static WalletBalance Wallet(string shopperId, string currency, long amount) =>
        WalletBalance.Open(shopperId, Currency.Find(currency), amount);

    public static Order Order(DateTimeOffset now, long amount = 1999, string currency = "EUR", string? description = "Green tea",
        string? reference = "r1", TimeSpan? expiresIn = null) =>
        Core.Orders.Order.Create(new NewOrder(amount, currency, description, reference, SuccessUrl, ErrorUrl, null,
            CaptureMethod.Automatic, null, expiresIn ?? TimeSpan.FromMinutes(30)), MerchantId, now);

    public static async Task SaveAsync(this CheckoutDbContext db, params object[] rows)
    {
        db.AddRange(rows);
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();
    }
}
