using Checkout.Core.Orders;
using Checkout.Core.Payments.Processors;
using Checkout.Core.Refunds;
using Checkout.UnitTests.Orders;

namespace Checkout.UnitTests.Refunds;

/// <summary>Captured orders and refunds in any status, made through the entities' own methods.</summary>
public static class RefundBuilder
{
    public static readonly DateTimeOffset Now = OrderBuilder.Now;
    public static readonly TimeSpan Window = TimeSpan.FromDays(180);

    /// <summary>An order whose whole <paramref name="amount"/> was captured at <see cref="Now"/>.</summary>
    public static Order Captured(long amount = 1000)
    {
        var order = OrderBuilder.Created(amount);
        order.Attempt(ProcessorStatus.Captured);
        order.ClearRaisedEvents();
        return order;
    }

    public static Refund Refund(this Order order, long? amount = null, DateTimeOffset? at = null) =>
        order.CreateRefund(new NewRefund(order.Id, amount, "requested_by_customer", null), Window, at ?? Now);

    public static RefundResult Answer(RefundProcessorStatus status, string? failureReason = null) => new(status, "sbxre_1", failureReason);

    /// <summary>A refund of 300 moved to <paramref name="status"/>, its events cleared.</summary>
    public static (Order Order, Refund Refund) InStatus(RefundStatus status)
    {
        var order = Captured();
        var refund = order.Refund(300);
        order.RecordRefundSubmitted(refund, "sandbox", Answer(RefundProcessorStatus.Pending), Now);
        switch (status)
        {
            case RefundStatus.Pending: break;
            case RefundStatus.Processing: order.RecordRefundStatus(refund, Answer(RefundProcessorStatus.Processing), Now); break;
            case RefundStatus.Succeeded: order.RecordRefundStatus(refund, Answer(RefundProcessorStatus.Succeeded), Now); break;
            case RefundStatus.Failed: order.RecordRefundStatus(refund, Answer(RefundProcessorStatus.Failed, "card closed"), Now); break;
        }
        refund.ClearRaisedEvents();
        order.ClearRaisedEvents();
        return (order, refund);
    }
}
