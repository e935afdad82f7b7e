namespace Checkout.Core.Callbacks;

/// <summary>What happened when one callback was sent once: kept for the merchant to inspect.</summary>
public class CallbackAttempt
{
    /// <summary>The column's length; longer error texts are cut.</summary>
    public const int MaxErrorLength = 1000;

    private CallbackAttempt() { }

    public CallbackAttempt(string deliveryId, int number, DateTimeOffset startedAt, int durationMs, int? statusCode, string? error)
    {
        DeliveryId = deliveryId;
        Number = number;
        StartedAt = startedAt;
        DurationMs = Math.Max(0, durationMs);
        StatusCode = statusCode;
        Error = error is { Length: > MaxErrorLength } ? error[..(MaxErrorLength - 1)] + "…" : error;
    }

    public long Id { get; private set; }
    public string DeliveryId { get; private set; } = null!;
    public int Number { get; private set; }
    public DateTimeOffset StartedAt { get; private set; }
    public int DurationMs { get; private set; }
    public int? StatusCode { get; private set; }
    public string? Error { get; private set; }
}
