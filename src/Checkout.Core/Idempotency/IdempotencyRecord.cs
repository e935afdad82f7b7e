namespace Checkout.Core.Idempotency;

/// <summary>
/// A merchant's Idempotency-Key and the first response given for it, written in the same transaction as
/// the work. An uncompleted row is a claim left by a server that holds the key while it works (or crashed
/// doing so); after its lock runs out the key can be taken over.
/// </summary>
public class IdempotencyRecord
{
    private IdempotencyRecord() { }

    public string MerchantId { get; private set; } = null!;
    public string Key { get; private set; } = null!;
    /// <summary>Hash of method, path and body: the same key with other parameters is refused.</summary>
    public string RequestHash { get; private set; } = null!;
    public bool IsCompleted { get; private set; }
    /// <summary>A claim whose owner died is taken over after this time.</summary>
    public DateTimeOffset LockedUntil { get; private set; }
    public int? ResponseStatusCode { get; private set; }
    public string? ResponseContentType { get; private set; }
    public string? ResponseLocation { get; private set; }
    public byte[]? ResponseBody { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }

    public static IdempotencyRecord Claim(string merchantId, string key, string requestHash, DateTimeOffset now, TimeSpan lockFor) => new()
    {
        MerchantId = merchantId,
        Key = key,
        RequestHash = requestHash,
        LockedUntil = now + lockFor,
        CreatedAt = now,
    };

    public bool IsAbandonedAt(DateTimeOffset now) => !IsCompleted && LockedUntil <= now;

    public void Reclaim(string requestHash, DateTimeOffset now, TimeSpan lockFor)
    {
        RequestHash = requestHash;
        LockedUntil = now + lockFor;
    }

    public void Complete(int statusCode, string? contentType, string? location, byte[] body)
    {
        IsCompleted = true;
        ResponseStatusCode = statusCode;
        ResponseContentType = contentType;
        ResponseLocation = location;
        ResponseBody = body;
    }
}
