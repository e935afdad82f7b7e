using System.Security.Cryptography;
using System.Text;

namespace Checkout.Core.Callbacks;

/// <summary>
/// The Checkout-Signature header: <c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256(secret, "t.body")&gt;</c>.
/// Merchants recompute the HMAC over the raw body and compare in constant time.
/// </summary>
public static class CallbackSignature
{
    public const string HeaderName = "Checkout-Signature";

    public static string Create(string webhookSecret, DateTimeOffset timestamp, string body)
    {
        var t = timestamp.ToUnixTimeSeconds();
        return $"t={t},v1={Compute(webhookSecret, t, body)}";
    }

    /// <summary>True when the header was made with this secret over this body within <paramref name="tolerance"/> of now.</summary>
    public static bool Verify(string webhookSecret, string header, string body, DateTimeOffset now, TimeSpan tolerance)
    {
        long? t = null;
        var signatures = new List<string>();
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0) continue;
            var (key, value) = (part[..eq], part[(eq + 1)..]);
            if (key == "t" && long.TryParse(value, out var parsed)) t = parsed;
            else if (key == "v1") signatures.Add(value);
        }
        if (t is null || signatures.Count == 0) return false;
        if (Math.Abs(now.ToUnixTimeSeconds() - t.Value) > tolerance.TotalSeconds) return false;

        var expected = Encoding.ASCII.GetBytes(Compute(webhookSecret, t.Value, body));
        return signatures.Any(s => CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(s)));
    }

    private static string Compute(string secret, long t, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}")));
}
