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
        if (order.Status is OrderStatus.Created or OrderStatus.RequiresAction)
            links.Add(new("cancel", $"{baseUrl}/api/v1/orders/{order.Id}/cancel", "POST"));
        return OrderResource.From(order) with { Links = links };
    }

    private string BaseUrl()
    {
        if (!string.IsNullOrWhiteSpace(options.Value.PublicUrl)) return options.Value.PublicUrl.TrimEnd('/');
        var request = http.HttpContext?.Request ?? throw new InvalidOperationException("Links need a public URL or a request.");
        return $"{request.Scheme}://{request.Host}{request.PathBase}";
    }
}
