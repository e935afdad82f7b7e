using Checkout.Core.Orders;

namespace Checkout.UnitTests.Orders;

/// <summary>Builds orders in any status for state-machine tests.</summary>
public static class OrderBuilder
{
    public static readonly DateTimeOffset Now = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);

    public static Order Created(long amount = 1999, string currency = "EUR", TimeSpan? expiresIn = null) =>
        Order.Create(new NewOrder(amount, currency, "Tea", "r1", "https://shop.example/ok", "https://shop.example/err",
            "https://shop.example/cb", CaptureMethod.Automatic, null, expiresIn ?? TimeSpan.FromMinutes(30)), "demo_merchant", Now);

    public static Order InStatus(OrderStatus status)
    {
        var order = Created();
        switch (status)
        {
            case OrderStatus.Created:
                break;
            case OrderStatus.Succeeded:
                order.Succeed("shp_1", "wallet", Now);
                break;
            case OrderStatus.Canceled:
                order.Cancel(Now);
                break;
            case OrderStatus.Expired:
                order.Expire(order.ExpiresAt);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(status), "Not reachable through the core flow yet.");
        }
        order.ClearRaisedEvents();
        return order;
    }
}
