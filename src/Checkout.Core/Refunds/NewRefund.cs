using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Checkout.Core.Refunds;

/// <summary>
/// A merchant's validated request for a refund. <see cref="Amount"/> null means everything still
/// refundable; <see cref="IdempotencyKey"/> (batch items) makes a retry return the first refund.
/// </summary>
public sealed record NewRefund(
    string OrderId,
    long? Amount,
    string? Reason,
    IReadOnlyDictionary<string, string>? Metadata,
    string? IdempotencyKey = null)
{
    /// <summary>What the key was first used for: a retry must ask for the same refund, not merely reuse the key.</summary>
    public string Fingerprint()
    {
        var canonical = JsonSerializer.Serialize(new object?[]
        {
            OrderId, Amount, Reason,
            Metadata?.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new[] { kv.Key, kv.Value }),
        });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }
}
