using Checkout.Core.Common;
using Checkout.Core.Orders;
using Checkout.Core.Payments.Processors;

namespace Checkout.UnitTests.Orders;

public class OrderTransitionTests
{
    private static readonly DateTimeOffset Now = OrderBuilder.Now;

    private const string Refused = "refused";

    /// <summary>Every (status, action) pair: the resulting status, or the refusal code.</summary>
    public static TheoryData<OrderStatus, string, string> Table()
    {
        var outcomes = new Dictionary<OrderStatus, string[]>
        {
            // actions:                    pay        authorize   3ds              late          decline    block     auth_ok    auth_fail  settle_ok  settle_fail capture   cancel     expire
            [OrderStatus.Created] =        ["succeeded", "authorized", "requires_action", "processing", "created", "failed", "order_not_authenticating", "order_not_authenticating", "order_not_processing", "order_not_processing", "order_not_capturable", "canceled", "expired"],
            [OrderStatus.RequiresAction] = ["order_not_payable", "order_not_payable", "order_not_payable", "order_not_payable", "order_not_payable", "order_not_payable", "succeeded", "created", "order_not_processing", "order_not_processing", "order_not_capturable", "canceled", "expired"],
            [OrderStatus.Processing] =     ["order_not_payable", "order_not_payable", "order_not_payable", "order_not_payable", "order_not_payable", "order_not_payable", "order_not_authenticating", "order_not_authenticating", "succeeded", "failed", "order_not_capturable", "order_not_cancelable", "order_not_expirable"],
            [OrderStatus.Authorized] =     ["order_not_payable", "order_not_payable", "order_not_payable", "order_not_payable", "order_not_payable", "order_not_payable", "order_not_authenticating", "order_not_authenticating", "order_not_processing", "order_not_processing", "succeeded", "canceled", "order_not_expirable"],
            [OrderStatus.Succeeded] =      [.. Final(), "order_not_authenticating", "order_not_authenticating", "order_not_processing", "order_not_processing", "order_not_capturable", "order_already_final", "order_already_final"],
            [OrderStatus.Failed] =         [.. Final(), "order_not_authenticating", "order_not_authenticating", "order_not_processing", "order_not_processing", "order_not_capturable", "order_already_final", "order_already_final"],
            [OrderStatus.Canceled] =       [.. Final(), "order_not_authenticating", "order_not_authenticating", "order_not_processing", "order_not_processing", "order_not_capturable", "order_already_final", "order_already_final"],
            [OrderStatus.Expired] =        [.. Final(), "order_not_authenticating", "order_not_authenticating", "order_not_processing", "order_not_processing", "order_not_capturable", "order_already_final", "order_already_final"],
        };
        var data = new TheoryData<OrderStatus, string, string>();
        foreach (var (status, row) in outcomes)
            for (var i = 0; i < Actions.Length; i++) data.Add(status, Actions[i], row[i]);
        return data;

        static string[] Final() => Enumerable.Repeat("order_already_final", 6).ToArray();
    }

    private static readonly string[] Actions =
        ["pay", "authorize", "3ds", "late", "decline", "block", "auth_ok", "auth_fail", "settle_ok", "settle_fail", "capture", "cancel", "expire"];

    [Theory]
    [MemberData(nameof(Table))]
    public void Action_FollowsTheStatusMachine(OrderStatus from, string action, string expected)
    {
        var order = OrderBuilder.InStatus(from);
        var act = () => Apply(order, action);

        if (OrderStatusExtensions.TryParseApiName(expected, out var to))
        {
            act();
            Assert.Equal(to, order.Status);
        }
        else
        {
            var error = Assert.Throws<DomainException>(act);
            Assert.Equal(expected, error.Code);
            Assert.Equal(from, order.Status);
            Assert.Empty(order.RaisedEvents);
        }
    }

    [Theory]
    [InlineData(ProcessorStatus.Captured, new[] { OrderEventTypes.Succeeded })]
    [InlineData(ProcessorStatus.Authorized, new[] { OrderEventTypes.Authorized })]
    [InlineData(ProcessorStatus.Declined, new[] { OrderEventTypes.PaymentFailed })]
    [InlineData(ProcessorStatus.Blocked, new[] { OrderEventTypes.PaymentFailed, OrderEventTypes.Failed })]
    [InlineData(ProcessorStatus.RequiresAction, new string[0])]
    [InlineData(ProcessorStatus.Pending, new string[0])]
    public void Attempt_RaisesTheEventsMerchantsExpect(ProcessorStatus result, string[] events)
    {
        var order = OrderBuilder.Created();
        order.Attempt(result, result is ProcessorStatus.Declined or ProcessorStatus.Blocked ? "card_declined" : null);
        Assert.Equal(events, order.RaisedEvents.Select(e => e.Type));
    }

    [Fact]
    public void Decline_KeepsTheOrderOpenWithTheError_UntilTheLastAttempt()
    {
        var order = OrderBuilder.Created();
        for (var i = 1; i < OrderBuilder.MaxAttempts; i++)
        {
            order.Attempt(ProcessorStatus.Declined, "insufficient_funds");
            Assert.Equal(OrderStatus.Created, order.Status);
        }
        Assert.Equal(new PaymentError("card_declined", "insufficient_funds", order.LastPaymentError!.Message), order.LastPaymentError);

        order.Attempt(ProcessorStatus.Declined, "card_declined");

        Assert.Equal(OrderStatus.Failed, order.Status);
        Assert.Equal(OrderBuilder.MaxAttempts, order.Attempts.Count);
        Assert.All(order.Attempts, a => Assert.Equal("declined", a.Outcome));
    }

    [Fact]
    public void SuccessAfterADecline_ClearsTheError()
    {
        var order = OrderBuilder.Created();
        order.Attempt(ProcessorStatus.Declined, "expired_card");
        Assert.Equal("expired_card", order.LastPaymentError!.Code);

        order.Attempt(ProcessorStatus.Captured);

        Assert.Equal(OrderStatus.Succeeded, order.Status);
        Assert.Null(order.LastPaymentError);
        Assert.Equal(1999, order.AmountCaptured);
        Assert.Equal(["declined", "succeeded"], order.Attempts.Select(a => a.Outcome));
    }

    [Fact]
    public void PartialCapture_CapturesOnlyThatAmount()
    {
        var order = OrderBuilder.InStatus(OrderStatus.Authorized);
        order.Capture(1500, Now);
        Assert.Equal(1500, order.AmountCaptured);
        Assert.Equal(OrderStatus.Succeeded, order.Status);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2000)]
    public void Capture_RefusesAmountsOutsideTheAuthorization(long amount)
    {
        var order = OrderBuilder.InStatus(OrderStatus.Authorized);
        Assert.Equal("invalid_capture_amount", Assert.Throws<DomainException>(() => order.Capture(amount, Now)).Code);
        Assert.Equal(OrderStatus.Authorized, order.Status);
    }

    [Fact]
    public void Authorization_ExpiresAfterItsTtl()
    {
        var order = OrderBuilder.InStatus(OrderStatus.Authorized);
        Assert.False(order.IsAuthorizationExpiredAt(Now.AddDays(7).AddSeconds(-1), TimeSpan.FromDays(7)));
        Assert.True(order.IsAuthorizationExpiredAt(Now.AddDays(7), TimeSpan.FromDays(7)));
    }

    [Fact]
    public void Dispute_OpensOnlyWhenDue_AndRaisesDisputeCreated()
    {
        var order = OrderBuilder.Created();
        order.RecordAttempt("sandbox", OrderBuilder.Card, OrderBuilder.Result(ProcessorStatus.Captured, disputeAt: Now.AddSeconds(5)), 5, Now);
        order.ClearRaisedEvents();
        Assert.False(order.HasOpenDispute);
        Assert.Equal("dispute_not_due", Assert.Throws<DomainException>(() => order.OpenDueDispute(Now.AddSeconds(4))).Code);

        order.OpenDueDispute(Now.AddSeconds(5));

        Assert.True(order.HasOpenDispute);
        Assert.Equal([OrderEventTypes.DisputeCreated], order.RaisedEvents.Select(e => e.Type));
    }

    [Fact]
    public void Pay_IsRefused_AfterExpiresAtEvenBeforeTheSweep()
    {
        var order = OrderBuilder.Created(expiresIn: TimeSpan.FromMinutes(1));
        var error = Assert.Throws<DomainException>(() => order.Attempt(ProcessorStatus.Captured, at: Now.AddMinutes(1)));
        Assert.Equal("order_expired", error.Code);
        Assert.False(order.IsPayableAt(Now.AddMinutes(1)));
    }

    [Fact]
    public void Expire_IsRefused_BeforeExpiresAt()
    {
        var order = OrderBuilder.Created();
        Assert.Equal("order_not_expired", Assert.Throws<DomainException>(() => order.Expire(order.ExpiresAt.AddSeconds(-1))).Code);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    [InlineData(Money.MaxAmount + 1)]
    public void Create_RefusesAmountsOutOfRange(long amount) =>
        Assert.Equal("invalid_amount", Assert.Throws<DomainException>(() => OrderBuilder.Created(amount: amount)).Code);

    [Fact]
    public void Create_RefusesUnsupportedCurrency() =>
        Assert.Equal("currency_not_supported", Assert.Throws<DomainException>(() => OrderBuilder.Created(currency: "XYZ")).Code);

    [Theory]
    [InlineData(OrderStatus.Succeeded, true)]
    [InlineData(OrderStatus.Authorized, true)]
    [InlineData(OrderStatus.Processing, true)]
    [InlineData(OrderStatus.Created, false)]
    [InlineData(OrderStatus.RequiresAction, false)]
    [InlineData(OrderStatus.Canceled, false)]
    [InlineData(OrderStatus.Expired, false)]
    [InlineData(OrderStatus.Failed, false)]
    public void RedirectsToSuccess_OnlyForPaidOrPendingPayment(OrderStatus status, bool success) =>
        Assert.Equal(success, status.RedirectsToSuccess());

    private static void Apply(Order order, string action)
    {
        switch (action)
        {
            case "pay": order.Attempt(ProcessorStatus.Captured); break;
            case "authorize": order.Attempt(ProcessorStatus.Authorized); break;
            case "3ds": order.Attempt(ProcessorStatus.RequiresAction); break;
            case "late": order.Attempt(ProcessorStatus.Pending); break;
            case "decline": order.Attempt(ProcessorStatus.Declined, "card_declined"); break;
            case "block": order.Attempt(ProcessorStatus.Blocked, "fraudulent"); break;
            case "auth_ok": order.RecordAuthentication(OrderBuilder.Result(ProcessorStatus.Captured), OrderBuilder.MaxAttempts, Now); break;
            case "auth_fail": order.RecordAuthentication(OrderBuilder.Result(ProcessorStatus.Declined, "authentication_failed"), OrderBuilder.MaxAttempts, Now); break;
            case "settle_ok": order.Settle(OrderBuilder.Result(ProcessorStatus.Captured), Now); break;
            case "settle_fail": order.Settle(OrderBuilder.Result(ProcessorStatus.Declined, "card_declined"), Now); break;
            case "capture": order.Capture(order.Amount, Now); break;
            case "cancel": order.Cancel(Now); break;
            case "expire": order.Expire(order.ExpiresAt); break;
            default: throw new ArgumentOutOfRangeException(nameof(action));
        }
    }
}
