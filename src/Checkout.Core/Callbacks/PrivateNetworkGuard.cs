using System.Net;
using System.Net.Http;
using System.Net.Sockets;

namespace Checkout.Core.Callbacks;

/// <summary>Raised when a callback would connect to an address the configuration does not allow.</summary>
public sealed class CallbackDestinationRefusedException(string message) : Exception(message);

/// <summary>
/// Keeps callbacks off loopback, private and link-local networks (SSRF). It checks the addresses the
/// host name actually resolves to, at connect time, so a DNS answer that changes after validation
/// (rebinding) cannot slip through.
/// </summary>
public static class PrivateNetworkGuard
{
    private static readonly IPNetwork[] Refused =
    [
        IPNetwork.Parse("0.0.0.0/8"),       // "this network"
        IPNetwork.Parse("10.0.0.0/8"),
        IPNetwork.Parse("100.64.0.0/10"),   // carrier-grade NAT
        IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"),  // link-local, incl. cloud metadata 169.254.169.254
        IPNetwork.Parse("172.16.0.0/12"),
        IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("224.0.0.0/3"),     // multicast and reserved
        IPNetwork.Parse("::/128"),
        IPNetwork.Parse("::1/128"),
        IPNetwork.Parse("fc00::/7"),        // unique local
        IPNetwork.Parse("fe80::/10"),       // link-local
        IPNetwork.Parse("fec0::/10"),       // old site-local
        IPNetwork.Parse("ff00::/8"),        // multicast
    ];

    public static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        return Refused.Any(n => n.BaseAddress.AddressFamily == address.AddressFamily && n.Contains(address));
    }

    /// <summary>The handler every callback goes through; direct connections only, so the guard sees the real peer.</summary>
    public static SocketsHttpHandler CreateHandler(bool allowPrivateNetworks) => new()
    {
        AllowAutoRedirect = false, // a 3xx is an answer (and a failed attempt), not a hop to somewhere unchecked
        UseProxy = false,
        UseCookies = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2), // re-resolve DNS now and then
        ConnectCallback = (context, cancellationToken) => ConnectAsync(context.DnsEndPoint, allowPrivateNetworks, cancellationToken),
    };

    private static async ValueTask<Stream> ConnectAsync(DnsEndPoint endPoint, bool allowPrivateNetworks, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(endPoint.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endPoint.Host, cancellationToken);
        var allowed = allowPrivateNetworks ? addresses : addresses.Where(a => !IsPrivate(a)).ToArray();
        if (allowed.Length == 0)
            throw new CallbackDestinationRefusedException(
                $"Refused to connect to {endPoint.Host} ({string.Join(", ", addresses.Select(a => a.ToString()))}): " +
                "loopback, private and link-local addresses are not allowed (Checkout:Callbacks:AllowPrivateNetworks).");

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
