using Checkout.Core.Data;
using Checkout.Core.Orders;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Core.Payments;

/// <summary>Pays from the shopper's stored balance in the order's currency.</summary>
public sealed class WalletPaymentMethod(CheckoutDbContext db) : IPaymentMethod
{
    public const string TypeName = "wallet";

    public string Type => TypeName;

    public async Task<PaymentError?> ChargeAsync(Order order, string shopperId, CancellationToken cancellationToken)
    {
        var balance = await db.WalletBalances
            .SingleOrDefaultAsync(w => w.ShopperId == shopperId && w.Currency == order.Currency, cancellationToken);
        if (balance is null || !balance.Covers(order.Amount))
            return new PaymentError("insufficient_funds", "insufficient_funds", "Your wallet balance is too low for this payment.");
        balance.Debit(order.Amount);
        return null;
    }
}
