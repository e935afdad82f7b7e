using System.Security.Cryptography;
using System.Text;
using Checkout.Core.Common;

namespace Checkout.Core.Merchants;

/// <summary>A shop that creates orders. Its id is the OAuth client_id.</summary>
public class Merchant
{
    private Merchant() { }

    public string Id { get; private set; } = null!;
    public string Name { get; private set; } = null!;
    public string ClientSecretHash { get; private set; } = null!;
    /// <summary>Kept readable because every callback is signed with it.</summary>
    public string WebhookSecret { get; private set; } = null!;
    public List<string> AllowedHosts { get; private set; } = [];
    public DateTimeOffset CreatedAt { get; private set; }

    public static Merchant Create(string id, string name, string clientSecret, string webhookSecret, IEnumerable<string> allowedHosts, DateTimeOffset now)
    {
        var hosts = allowedHosts.Select(NormalizeHost).Where(h => h.Length > 0).Distinct().ToList();
        if (string.IsNullOrWhiteSpace(name)) throw new DomainException("invalid_merchant", "A merchant needs a name.");
        if (hosts.Count == 0) throw new DomainException("invalid_merchant", "A merchant needs at least one allowed host.");
        return new Merchant
        {
            Id = id,
            Name = name.Trim(),
            ClientSecretHash = HashSecret(clientSecret),
            WebhookSecret = webhookSecret,
            AllowedHosts = hosts,
            CreatedAt = now,
        };
    }

    /// <summary>Compares in constant time so response timing says nothing about the secret.</summary>
    public bool HasClientSecret(string candidate) =>
        CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(HashSecret(candidate)),
            Encoding.ASCII.GetBytes(ClientSecretHash));

    /// <summary>Redirect and callback URLs must point at one of the merchant's hosts (any port).</summary>
    public bool IsAllowedUrl(Uri url) =>
        url.IsAbsoluteUri
        && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps)
        && AllowedHosts.Contains(NormalizeHost(url.Host));

    // Client secrets are long random strings, so one SHA-256 is enough and keeps the token endpoint fast.
    private static string HashSecret(string secret) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string NormalizeHost(string host) => host.Trim().Trim('[', ']').TrimEnd('.').ToLowerInvariant();
}
