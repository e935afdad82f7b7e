using Checkout.Core.Common;
using Checkout.Core.Orders;
using Checkout.UnitTests.Orders;

namespace Checkout.UnitTests.Payments;

/// <summary>A dispute the processor announces at capture time (the dispute card under manual capture).</summary>
public class DisputeSchedulingTests
{
    private static readonly DateTimeOffset Now = OrderBuilder.Now;

    [Fact]
    public void ScheduledDispute_OnACapturedOrder_OpensWhenDue_ForTheCapturedAmount()
    {
        var order = OrderBuilder.InStatus(OrderStatus.Authorized);
        order.Capture(1200, Now);
        order.ClearRaisedEvents();

        order.ScheduleDispute(Now.AddSeconds(5));

        Assert.False(order.HasOpenDispute);
        Assert.Empty(order.RaisedEvents);
        order.OpenDueDispute(Now.AddSeconds(5));
        Assert.True(order.HasOpenDispute);
        Assert.Equal(1200, order.Dispute!.Amount);
        Assert.Equal([OrderEventTypes.DisputeCreated], order.RaisedEvents.Select(e => e.Type));
    }

    [Fact]
    public void ScheduledDispute_IsKeptOnce_WhenAnnouncedAgain()
    {
        var order = OrderBuilder.InStatus(OrderStatus.Succeeded);
        order.ScheduleDispute(Now.AddSeconds(5));
        var first = order.Dispute!.Id;

        order.ScheduleDispute(Now.AddSeconds(50));

        Assert.Equal(first, order.Dispute!.Id);
        Assert.Equal(Now.AddSeconds(5), order.Dispute.OpensAt);
    }

    [Theory]
    [InlineData(OrderStatus.Created)]
    [InlineData(OrderStatus.Authorized)]
    [InlineData(OrderStatus.Processing)]
    [InlineData(OrderStatus.Canceled)]
    public void ScheduledDispute_NeedsCapturedMoney(OrderStatus status)
    {
        var order = OrderBuilder.InStatus(status);

        var error = Assert.Throws<DomainException>(() => order.ScheduleDispute(Now));

        Assert.Equal("order_not_captured", error.Code);
        Assert.Null(order.Dispute);
    }
}
