namespace Checkout.Core.Orders;

/// <summary>One try at paying an order: how, with what result, and the processor's reference. Never card numbers.</summary>
public sealed class PaymentAttempt
{
    private PaymentAttempt() { }

    public int Number { get; private set; }
    public string PaymentMethod { get; private set; } = null!;
    public string? CardBrand { get; private set; }
    public string? CardLast4 { get; private set; }
    /// <summary>succeeded, authorized, declined, blocked, requires_action, processing.</summary>
    public string Outcome { get; private set; } = null!;
    public string? DeclineCode { get; private set; }
    public string? ProcessorReference { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    internal static PaymentAttempt Start(int number, string paymentMethod, string? brand, string? last4, string? reference, DateTimeOffset now) => new()
    {
        Number = number,
        PaymentMethod = paymentMethod,
        CardBrand = brand,
        CardLast4 = last4,
        ProcessorReference = reference,
        Outcome = "processing",
        CreatedAt = now,
    };

    internal void Resolve(string outcome, string? declineCode)
    {
        Outcome = outcome;
        DeclineCode = declineCode;
    }
}
