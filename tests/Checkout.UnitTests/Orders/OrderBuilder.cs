using Checkout.Core.Orders;
using Checkout.Core.Payments.Processors;

namespace Checkout.UnitTests.Orders;

/// <summary>Builds orders in any status for state-machine tests, through the entity's own methods.</summary>
public static class OrderBuilder
{
    public static readonly DateTimeOffset Now = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    public const int MaxAttempts = 5;
    public static readonly PaymentSource Card = PaymentSource.Card("tok", "visa", "4242", "shp_1");

    public static Order Created(long amount = 1999, string currency = "EUR", TimeSpan? expiresIn = null, CaptureMethod capture = CaptureMethod.Automatic) =>
        Order.Create(new NewOrder(amount, currency, "Tea", "r1", "https://shop.example/ok", "https://shop.example/err",
            "https://shop.example/cb", capture, null, expiresIn ?? TimeSpan.FromMinutes(30)), "demo_merchant", Now);

    public static ProcessorResult Result(ProcessorStatus status, string? declineCode = null, DateTimeOffset? disputeAt = null) =>
        new(status, "ref_1", DeclineCode: declineCode, DisputeOpensAt: disputeAt);

    public static void Attempt(this Order order, ProcessorStatus status, string? declineCode = null, DateTimeOffset? at = null) =>
        order.RecordAttempt("sandbox", Card, Result(status, declineCode), MaxAttempts, at ?? Now);

    public static Order InStatus(OrderStatus status)
    {
        var order = Created(capture: status == OrderStatus.Authorized ? CaptureMethod.Manual : CaptureMethod.Automatic);
        switch (status)
        {
            case OrderStatus.Created: break;
            case OrderStatus.RequiresAction: order.Attempt(ProcessorStatus.RequiresAction); break;
            case OrderStatus.Processing: order.Attempt(ProcessorStatus.Pending); break;
            case OrderStatus.Authorized: order.Attempt(ProcessorStatus.Authorized); break;
            case OrderStatus.Succeeded: order.Attempt(ProcessorStatus.Captured); break;
            case OrderStatus.Failed: order.Attempt(ProcessorStatus.Blocked, "fraudulent"); break;
            case OrderStatus.Canceled: order.Cancel(Now); break;
            case OrderStatus.Expired: order.Expire(order.ExpiresAt); break;
        }
        order.ClearRaisedEvents();
        return order;
    }
}
