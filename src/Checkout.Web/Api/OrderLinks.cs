using Checkout.Core.Orders;
using Checkout.Web.Hosting;
using Microsoft.Extensions.Options;

namespace Checkout.Web.Api;

/// <summary>Adds HATEOAS links to orders; the approve link is the capture_url on Checkout's own host.</summary>
public sealed class OrderLinks(IHttpContextAccessor http, IOptions<PublicUrlOptions> options)
{
    public OrderResource Describe(Order order)
    {
        var baseUrl = BaseUrl();
        var links = new List<Link>
        {
            new("self", $"{baseUrl}/api/v1/orders/{order.Id}", "GET"),
            new("approve", $"{baseUrl}/pay/{order.Id}", "GET"),
        };
        if (order.Status is OrderStatus.Created or OrderStatus.RequiresAction or OrderStatus.Authorized)
            links.Add(new("cancel", $"{baseUrl}/api/v1/orders/{order.Id}/cancel", "POST"));
        if (order.Status == OrderStatus.Authorized)
            links.Add(new("capture", $"{baseUrl}/api/v1/orders/{order.Id}/capture", "POST"));
        // The 3-D Secure challenge is hosted by Checkout (a simulated issuer) and needs no sign-in.
        var nextAction = order.Status == OrderStatus.RequiresAction ? NextAction.Redirect(AuthenticationUrl(baseUrl, order.Id)) : null;
        return OrderResource.From(order) with { Links = links, NextAction = nextAction };
    }

    public static string AuthenticationUrl(string baseUrl, string orderId) => $"{baseUrl}/pay/{orderId}/authenticate";

    private string BaseUrl()
    {
        if (!string.IsNullOrWhiteSpace(options.Value.PublicUrl)) return options.Value.PublicUrl.TrimEnd('/');
        var request = http.HttpContext?.Request ?? throw new InvalidOperationException("Links need a public URL or a request.");
        return $"{request.Scheme}://{request.Host}{request.PathBase}";
    }
}
