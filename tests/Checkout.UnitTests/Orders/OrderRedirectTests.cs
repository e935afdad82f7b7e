using Checkout.Core.Orders;

namespace Checkout.UnitTests.Orders;

public class OrderRedirectTests
{
    [Theory]
    [InlineData(OrderStatus.Succeeded, "https://shop.example/ok")]
    [InlineData(OrderStatus.Created, "https://shop.example/err")]
    [InlineData(OrderStatus.Canceled, "https://shop.example/err")]
    [InlineData(OrderStatus.Expired, "https://shop.example/err")]
    public void For_ChoosesSuccessUrlOnlyForAPaidOrder(OrderStatus status, string expectedBase)
    {
        var order = OrderBuilder.InStatus(status);

        var url = OrderRedirect.For(order);

        Assert.Equal($"{expectedBase}?order_id={order.Id}&status={status.ToApiName()}&reference=r1", url);
    }

    [Fact]
    public void Build_KeepsTheMerchantsOwnQueryAndFragment()
    {
        var url = OrderRedirect.Build("https://shop.example:8443/return?cart=42&lang=de#top", "ord_1", OrderStatus.Succeeded, "r1");

        Assert.Equal("https://shop.example:8443/return?cart=42&lang=de&order_id=ord_1&status=succeeded&reference=r1#top", url);
    }

    [Fact]
    public void Build_ReplacesParametersTheMerchantAlreadyUsesWithOurNames()
    {
        var url = OrderRedirect.Build("http://localhost:9999/shop/error?status=pending&x=1&order_id=old", "ord_1", OrderStatus.Canceled, "r1");

        Assert.Equal("http://localhost:9999/shop/error?x=1&order_id=ord_1&status=canceled&reference=r1", url);
    }

    [Fact]
    public void Build_EscapesTheReference()
    {
        var url = OrderRedirect.Build("https://shop.example/ok", "ord_1", OrderStatus.Succeeded, "a&b=c d/é");

        var query = new Uri(url).Query;
        Assert.Equal("?order_id=ord_1&status=succeeded&reference=a%26b%3Dc%20d%2F%C3%A9", query);
    }

    [Fact]
    public void Build_LeavesOutTheReferenceWhenTheOrderHasNone()
    {
        var url = OrderRedirect.Build("https://shop.example/ok", "ord_1", OrderStatus.Succeeded, null);

        Assert.Equal("https://shop.example/ok?order_id=ord_1&status=succeeded", url);
    }
}
