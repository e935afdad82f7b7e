namespace Checkout.Core.Callbacks;

/// <summary>What happened when one callback was sent once: kept for the merchant to inspect.</summary>
public class CallbackAttempt(string deliveryId, int number, DateTimeOffset startedAt, int durationMs, int? statusCode, string? error)
{
    public long Id { get; private set; }
    public string DeliveryId { get; private set; } = deliveryId;
    public int Number { get; private set; } = number;
    public DateTimeOffset StartedAt { get; private set; } = startedAt;
    public int DurationMs { get; private set; } = durationMs;
    public int? StatusCode { get; private set; } = statusCode;
    public string? Error { get; private set; } = error;
}
