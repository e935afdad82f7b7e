using Checkout.Core.Common;

namespace Checkout.Core.Shoppers;

/// <summary>A shopper's stored money in one currency, in minor units.</summary>
public class WalletBalance
{
    private WalletBalance() { }

    public string ShopperId { get; private set; } = null!;
    public string Currency { get; private set; } = null!;
    public long Amount { get; private set; }
    /// <summary>Optimistic concurrency: two debits racing on one balance cannot both commit.</summary>
    public int Version { get; private set; }

    public static WalletBalance Open(string shopperId, Currency currency, long amount) => new()
    {
        ShopperId = shopperId,
        Currency = currency.Code,
        Amount = amount,
    };

    public bool Covers(long amount) => Amount >= amount;

    public void Debit(long amount)
    {
        if (amount <= 0) throw new DomainException("invalid_amount", "A debit must be positive.");
        if (!Covers(amount)) throw new DomainException("insufficient_funds", "The wallet balance is too low.");
        Amount -= amount;
        Version++;
    }

    public void Credit(long amount)
    {
        if (amount <= 0) throw new DomainException("invalid_amount", "A credit must be positive.");
        Amount += amount;
        Version++;
    }
}
