using System.Text;

namespace Checkout.Core.Orders;

/// <summary>
/// Where the shopper goes back to the shop: <c>success_url</c> for succeeded, authorized and processing
/// orders, <c>error_url</c> otherwise, with <c>order_id</c>, <c>status</c> and <c>reference</c> appended.
/// </summary>
public static class OrderRedirect
{
    private static readonly string[] OwnParameters = ["order_id", "status", "reference"];

    /// <summary>The URL for the order as it stands now.</summary>
    public static string For(Order order) =>
        Build(order.Status.RedirectsToSuccess() ? order.SuccessUrl : order.ErrorUrl, order.Id, order.Status, order.Reference);

    /// <summary>
    /// Appends the order's parameters to <paramref name="baseUrl"/>, keeping the merchant's own query and
    /// fragment. A merchant parameter with one of our names is replaced, so the shop never reads two values.
    /// </summary>
    public static string Build(string baseUrl, string orderId, OrderStatus status, string? reference)
    {
        var url = new Uri(baseUrl, UriKind.Absolute);
        var query = new StringBuilder();
        foreach (var pair in url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!IsOwnParameter(pair)) Append(query, pair);
        }
        Append(query, $"order_id={Uri.EscapeDataString(orderId)}");
        Append(query, $"status={Uri.EscapeDataString(status.ToApiName())}");
        if (reference is not null) Append(query, $"reference={Uri.EscapeDataString(reference)}");

        // UriBuilder keeps scheme, user info, host, port, path and fragment exactly as the merchant gave them.
        return new UriBuilder(url) { Query = query.ToString() }.Uri.AbsoluteUri;
    }

    private static bool IsOwnParameter(string pair)
    {
        var name = pair.Split('=', 2)[0];
        return OwnParameters.Any(own => string.Equals(Uri.UnescapeDataString(name.Replace('+', ' ')), own, StringComparison.Ordinal));
    }

    private static void Append(StringBuilder query, string pair)
    {
        if (query.Length > 0) query.Append('&');
        query.Append(pair);
    }
}
