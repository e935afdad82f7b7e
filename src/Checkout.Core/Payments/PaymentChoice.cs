namespace Checkout.Core.Payments;

/// <summary>How the shopper (or the merchant's server) chose to pay.</summary>
public abstract record PaymentChoice
{
    /// <summary>The signed-in shopper's wallet.</summary>
    public sealed record Wallet(string ShopperId) : PaymentChoice;

    /// <summary>One of the signed-in shopper's saved cards.</summary>
    public sealed record SavedCard(string ShopperId, string CardId) : PaymentChoice;

    /// <summary>A card the shopper just typed, already tokenized; optionally kept for next time.</summary>
    public sealed record NewCard(string ShopperId, string Token, string Brand, string Last4, int ExpMonth, int ExpYear, bool Save) : PaymentChoice;

    /// <summary>A processor token sent by the merchant's server (pm_card_visa…).</summary>
    public sealed record ProcessorToken(string Token) : PaymentChoice;
}
