using Checkout.Core.Common;
using Checkout.Core.Orders;

namespace Checkout.UnitTests.Orders;

public class OrderTransitionTests
{
    private static readonly DateTimeOffset Now = OrderBuilder.Now;

    public static TheoryData<OrderStatus, string, OrderStatus?, string?> Table => new()
    {
        // state, action, resulting status (null = refused), refusal code
        { OrderStatus.Created, "pay", OrderStatus.Succeeded, null },
        { OrderStatus.Created, "cancel", OrderStatus.Canceled, null },
        { OrderStatus.Created, "expire", OrderStatus.Expired, null },
        { OrderStatus.Created, "fail_payment", OrderStatus.Created, null },
        { OrderStatus.Succeeded, "pay", null, "order_already_final" },
        { OrderStatus.Succeeded, "cancel", null, "order_already_final" },
        { OrderStatus.Succeeded, "expire", null, "order_already_final" },
        { OrderStatus.Succeeded, "fail_payment", null, "order_already_final" },
        { OrderStatus.Canceled, "pay", null, "order_already_final" },
        { OrderStatus.Canceled, "cancel", null, "order_already_final" },
        { OrderStatus.Canceled, "expire", null, "order_already_final" },
        { OrderStatus.Expired, "pay", null, "order_already_final" },
        { OrderStatus.Expired, "cancel", null, "order_already_final" },
        { OrderStatus.Expired, "expire", null, "order_already_final" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Transition_FollowsTheStatusMachine(OrderStatus from, string action, OrderStatus? to, string? refusal)
    {
        var order = OrderBuilder.InStatus(from);
        var at = action == "expire" ? order.ExpiresAt : Now;

        var act = () => Apply(order, action, at);

        if (to is null)
        {
            var error = Assert.Throws<DomainException>(act);
            Assert.Equal(refusal, error.Code);
            Assert.Equal(from, order.Status);
            Assert.Empty(order.RaisedEvents);
        }
        else
        {
            act();
            Assert.Equal(to, order.Status);
        }
    }

    [Fact]
    public void Pay_CapturesTheWholeAmountAndRaisesSucceeded()
    {
        var order = OrderBuilder.Created(amount: 2500);
        order.Succeed("shp_1", "wallet", Now);
        Assert.Equal(2500, order.AmountCaptured);
        Assert.Equal("wallet", order.PaymentMethod);
        Assert.Equal([OrderEventTypes.Succeeded], order.RaisedEvents);
    }

    [Fact]
    public void Pay_IsRefused_AfterExpiresAtEvenBeforeTheSweep()
    {
        var order = OrderBuilder.Created(expiresIn: TimeSpan.FromMinutes(1));
        var error = Assert.Throws<DomainException>(() => order.Succeed("shp_1", "wallet", Now.AddMinutes(1)));
        Assert.Equal("order_expired", error.Code);
        Assert.False(order.IsPayableAt(Now.AddMinutes(1)));
    }

    [Fact]
    public void Expire_IsRefused_BeforeExpiresAt()
    {
        var order = OrderBuilder.Created();
        var error = Assert.Throws<DomainException>(() => order.Expire(order.ExpiresAt.AddSeconds(-1)));
        Assert.Equal("order_not_expired", error.Code);
    }

    [Fact]
    public void PaymentFailure_KeepsTheOrderOpenWithTheError()
    {
        var order = OrderBuilder.Created();
        order.RecordPaymentFailure("shp_1", new PaymentError("insufficient_funds", "insufficient_funds", "Too low"), Now);
        Assert.Equal(OrderStatus.Created, order.Status);
        Assert.Equal("insufficient_funds", order.LastPaymentError!.Code);
        Assert.Equal([OrderEventTypes.PaymentFailed], order.RaisedEvents);
        Assert.True(order.IsPayableAt(Now));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(Money.MaxAmount + 1)]
    public void Create_RefusesAmountsOutOfRange(long amount)
    {
        var error = Assert.Throws<DomainException>(() => OrderBuilder.Created(amount: amount));
        Assert.Equal("invalid_amount", error.Code);
    }

    [Fact]
    public void Create_RefusesUnsupportedCurrency()
    {
        var error = Assert.Throws<DomainException>(() => OrderBuilder.Created(currency: "XYZ"));
        Assert.Equal("currency_not_supported", error.Code);
    }

    [Theory]
    [InlineData(OrderStatus.Succeeded, true)]
    [InlineData(OrderStatus.Authorized, true)]
    [InlineData(OrderStatus.Processing, true)]
    [InlineData(OrderStatus.Created, false)]
    [InlineData(OrderStatus.Canceled, false)]
    [InlineData(OrderStatus.Expired, false)]
    [InlineData(OrderStatus.Failed, false)]
    public void RedirectsToSuccess_OnlyForPaidOrPendingPayment(OrderStatus status, bool success) =>
        Assert.Equal(success, status.RedirectsToSuccess());

    private static void Apply(Order order, string action, DateTimeOffset at)
    {
        switch (action)
        {
            case "pay": order.Succeed("shp_1", "wallet", at); break;
            case "cancel": order.Cancel(at); break;
            case "expire": order.Expire(at); break;
            case "fail_payment": order.RecordPaymentFailure("shp_1", new PaymentError("card_declined", null, "Declined"), at); break;
            default: throw new ArgumentOutOfRangeException(nameof(action));
        }
    }
}
