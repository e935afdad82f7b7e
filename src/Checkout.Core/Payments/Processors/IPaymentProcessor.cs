namespace Checkout.Core.Payments.Processors;

/// <summary>
/// The seam between the order service and whoever moves the money (the shopper's wallet, the sandbox
/// card processor, later a real acquirer). The order service never knows which one it talks to.
/// Authorize, complete, capture and void are called inside the order's unit of the database's single writer
/// (<see cref="Data.GroupCommit"/>), so every write waits while they run: the processors here answer in memory,
/// and one that calls out over the network needs its own step outside that unit first.
/// </summary>
public interface IPaymentProcessor
{
    /// <summary>Stored on the order so capture, void and refund go back to the same processor.</summary>
    string Name { get; }

    bool Handles(PaymentSource source);

    Task<ProcessorResult> AuthorizeAsync(PaymentRequest request, CancellationToken cancellationToken);

    /// <summary>The shopper finished (or failed) the issuer's 3-D Secure challenge.</summary>
    Task<ProcessorResult> CompleteAuthenticationAsync(string reference, bool authenticated, CancellationToken cancellationToken);

    Task<ProcessorResult> CaptureAsync(string reference, long amount, CancellationToken cancellationToken);

    Task<ProcessorResult> VoidAsync(string reference, CancellationToken cancellationToken);

    /// <summary>Where a pending (late) authorization stands now.</summary>
    Task<ProcessorResult> GetPaymentAsync(string reference, CancellationToken cancellationToken);

    Task<RefundResult> RefundAsync(string paymentReference, long amount, CancellationToken cancellationToken);

    Task<RefundResult> GetRefundAsync(string refundReference, CancellationToken cancellationToken);
}

/// <summary>What the shopper pays with: their wallet, or a card known to the processor by its token.</summary>
public sealed record PaymentSource(string Type, string? ShopperId = null, string? CardToken = null, string? CardBrand = null, string? CardLast4 = null)
{
    public const string WalletType = "wallet";
    public const string CardType = "card";

    public static PaymentSource Wallet(string shopperId) => new(WalletType, ShopperId: shopperId);

    public static PaymentSource Card(string token, string brand, string last4, string? shopperId = null) =>
        new(CardType, shopperId, token, brand, last4);
}

public sealed record PaymentRequest(string OrderId, long Amount, string Currency, bool Capture, PaymentSource Source);

public enum ProcessorStatus
{
    /// <summary>Funds held; capture later (manual capture).</summary>
    Authorized,
    /// <summary>Money taken.</summary>
    Captured,
    /// <summary>The issuer said no; the shopper may try another method.</summary>
    Declined,
    /// <summary>Refused as fraud: no retry.</summary>
    Blocked,
    /// <summary>3-D Secure: the shopper must complete a challenge first.</summary>
    RequiresAction,
    /// <summary>Late authorization: the answer comes later (reconciliation).</summary>
    Pending,
    Voided,
}

/// <summary>
/// A processor's answer. <see cref="AmountCaptured"/> null means the whole amount asked for;
/// <see cref="DisputeOpensAt"/> is when the processor will report a dispute (sandbox only).
/// </summary>
public sealed record ProcessorResult(
    ProcessorStatus Status,
    string Reference,
    long? AmountCaptured = null,
    string? DeclineCode = null,
    string? Message = null,
    DateTimeOffset? DisputeOpensAt = null);

public enum RefundProcessorStatus
{
    Pending,
    Processing,
    Succeeded,
    Failed,
}

public sealed record RefundResult(RefundProcessorStatus Status, string Reference, string? FailureReason = null);
