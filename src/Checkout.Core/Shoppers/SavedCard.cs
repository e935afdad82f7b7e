using Checkout.Core.Common;

namespace Checkout.Core.Shoppers;

/// <summary>A shopper's card as Checkout keeps it: brand, last 4, expiry and the processor's token. Never the number or CVC.</summary>
public class SavedCard
{
    private SavedCard() { }

    public string Id { get; private set; } = null!;
    public string ShopperId { get; private set; } = null!;
    public string Brand { get; private set; } = null!;
    public string Last4 { get; private set; } = null!;
    public int ExpMonth { get; private set; }
    public int ExpYear { get; private set; }
    public string ProcessorToken { get; private set; } = null!;
    public DateTimeOffset CreatedAt { get; private set; }

    public static SavedCard Create(string shopperId, string brand, string last4, int expMonth, int expYear, string processorToken, DateTimeOffset now) => new()
    {
        Id = Ids.New("card"),
        ShopperId = shopperId,
        Brand = brand,
        Last4 = last4,
        ExpMonth = expMonth,
        ExpYear = expYear,
        ProcessorToken = processorToken,
        CreatedAt = now,
    };
}
