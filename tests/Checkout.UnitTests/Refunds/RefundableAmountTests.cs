using Checkout.Core.Common;
using Checkout.Core.Orders;
using Checkout.Core.Payments.Processors;
using Checkout.Core.Refunds;
using Checkout.UnitTests.Orders;

namespace Checkout.UnitTests.Refunds;

public class RefundableAmountTests
{
    private static readonly DateTimeOffset Now = RefundBuilder.Now;

    [Fact]
    public void Refund_WithoutAnAmount_TakesEverythingCaptured()
    {
        var order = RefundBuilder.Captured(1000);

        var refund = order.Refund();

        Assert.Equal(1000, refund.Amount);
        Assert.Equal(1000, order.AmountRefunded);
        Assert.Equal(0, order.AmountRefundable);
    }

    [Fact]
    public void Refund_WithoutAnAmount_TakesWhatEarlierPartialRefundsLeft()
    {
        var order = RefundBuilder.Captured(1000);
        order.Refund(250);

        var rest = order.Refund();

        Assert.Equal(750, rest.Amount);
        Assert.Equal(0, order.AmountRefundable);
    }

    [Fact]
    public void PartialRefunds_AddUpToTheCapturedAmount_AndNoFurther()
    {
        var order = RefundBuilder.Captured(1000);

        order.Refund(100);
        order.Refund(400);
        order.Refund(500);

        Assert.Equal(1000, order.AmountRefunded);
        var error = Assert.Throws<DomainException>(() => order.Refund(1));
        Assert.Equal("charge_already_refunded", error.Code);
        Assert.Equal(3, order.Refunds.Count);
    }

    [Fact]
    public void Refund_IsRejected_WhenItExceedsTheRefundableAmount_AndNothingChanges()
    {
        var order = RefundBuilder.Captured(1000);
        order.Refund(700);
        var version = order.Version;

        var error = Assert.Throws<DomainException>(() => order.Refund(301));

        Assert.Equal("amount_too_large", error.Code);
        Assert.Equal(700, order.AmountRefunded);
        Assert.Single(order.Refunds);
        Assert.Equal(version, order.Version);
    }

    [Fact]
    public void PendingRefunds_CountAgainstTheRefundableAmount()
    {
        var order = RefundBuilder.Captured(1000);
        var pending = order.Refund(600);

        Assert.Equal(RefundStatus.Pending, pending.Status);
        Assert.Equal(400, order.AmountRefundable);
        Assert.Equal("amount_too_large", Assert.Throws<DomainException>(() => order.Refund(401)).Code);
    }

    [Fact]
    public void FailedRefund_GivesItsAmountBackToTheRefundableBalance()
    {
        var order = RefundBuilder.Captured(1000);
        var refund = order.Refund(600);
        order.RecordRefundSubmitted(refund, "sandbox", RefundBuilder.Answer(RefundProcessorStatus.Pending), Now);

        order.RecordRefundStatus(refund, RefundBuilder.Answer(RefundProcessorStatus.Failed, "account closed"), Now);

        Assert.Equal(0, order.AmountRefunded);
        Assert.Equal(1000, order.AmountRefundable);
        Assert.Equal(1000, order.Refund().Amount);
    }

    [Fact]
    public void RefusedAtSubmission_GivesItsAmountBackToo()
    {
        var order = RefundBuilder.Captured(1000);
        var refund = order.Refund(600);

        order.RecordRefundSubmitted(refund, "sandbox", RefundBuilder.Answer(RefundProcessorStatus.Failed, "no"), Now);

        Assert.Equal(RefundStatus.Failed, refund.Status);
        Assert.Equal(0, order.AmountRefunded);
    }

    [Fact]
    public void SucceededRefund_KeepsItsAmountRefunded()
    {
        var order = RefundBuilder.Captured(1000);
        var refund = order.Refund(600);
        order.RecordRefundSubmitted(refund, "wallet", RefundBuilder.Answer(RefundProcessorStatus.Succeeded), Now);

        Assert.Equal(RefundStatus.Succeeded, refund.Status);
        Assert.Equal(600, order.AmountRefunded);
        Assert.Equal(400, order.AmountRefundable);
    }

    [Fact]
    public void AmountRefunded_IsAlwaysTheSumOfRefundsThatHaveNotFailed()
    {
        var order = RefundBuilder.Captured(10_000);
        var random = new Random(4);
        for (var i = 0; i < 200; i++)
        {
            if (order.AmountRefundable > 0 && random.Next(3) > 0)
            {
                order.Refund(random.NextInt64(1, Math.Min(order.AmountRefundable, 900) + 1));
                continue;
            }
            var open = order.Refunds.Where(r => !r.IsFinal).ToList();
            if (open.Count == 0) continue;
            var refund = open[random.Next(open.Count)];
            var answer = (RefundProcessorStatus)random.Next(4);
            if (!refund.IsSubmitted) order.RecordRefundSubmitted(refund, "sandbox", RefundBuilder.Answer(answer), Now);
            else order.RecordRefundStatus(refund, RefundBuilder.Answer(answer), Now);
        }

        Assert.Equal(order.Refunds.Where(r => r.Status != RefundStatus.Failed).Sum(r => r.Amount), order.AmountRefunded);
        Assert.InRange(order.AmountRefunded, 0, order.AmountCaptured);
    }

    [Fact]
    public void PartialCapture_LimitsRefundsToWhatWasCaptured()
    {
        var order = OrderBuilder.Created(1999, capture: CaptureMethod.Manual);
        order.Attempt(ProcessorStatus.Authorized);
        order.Capture(1200, Now);

        var refund = order.Refund();

        Assert.Equal(1200, refund.Amount);
        Assert.Equal("charge_already_refunded", Assert.Throws<DomainException>(() => order.Refund(1)).Code);
    }

    [Theory]
    [InlineData(OrderStatus.Created)]
    [InlineData(OrderStatus.RequiresAction)]
    [InlineData(OrderStatus.Processing)]
    [InlineData(OrderStatus.Authorized)]
    [InlineData(OrderStatus.Failed)]
    [InlineData(OrderStatus.Canceled)]
    [InlineData(OrderStatus.Expired)]
    public void Refund_IsRejected_WhenNothingWasCaptured(OrderStatus status)
    {
        var order = OrderBuilder.InStatus(status);

        var error = Assert.Throws<DomainException>(() => order.Refund(100));

        Assert.Equal("charge_not_captured", error.Code);
        Assert.Empty(order.Refunds);
        Assert.Equal(0, order.AmountRefunded);
    }

    [Fact]
    public void Refund_IsRejected_WhileADisputeIsOpen_ButNotBeforeItOpens()
    {
        var order = OrderBuilder.Created(1000);
        order.RecordAttempt("sandbox", OrderBuilder.Card, OrderBuilder.Result(ProcessorStatus.Captured, disputeAt: Now.AddSeconds(5)), 5, Now);
        order.Refund(100); // scheduled, not yet reported: the money is still the merchant's to return

        order.OpenDueDispute(Now.AddSeconds(5));

        Assert.Equal("charge_disputed", Assert.Throws<DomainException>(() => order.Refund(100, Now.AddSeconds(6))).Code);
        Assert.Equal(100, order.AmountRefunded);
    }

    [Fact]
    public void Refund_IsRejected_OnceTheRefundWindowHasPassed()
    {
        var order = RefundBuilder.Captured(1000);

        order.Refund(100, Now + RefundBuilder.Window); // the last moment is still inside
        var error = Assert.Throws<DomainException>(() => order.Refund(100, Now + RefundBuilder.Window + TimeSpan.FromTicks(1)));

        Assert.Equal("charge_expired", error.Code);
        Assert.Equal(100, order.AmountRefunded);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Refund_IsRejected_ForANonPositiveAmount(long amount)
    {
        var order = RefundBuilder.Captured(1000);

        Assert.Equal("invalid_amount", Assert.Throws<DomainException>(() => order.Refund(amount)).Code);
    }

    [Fact]
    public void NewRefund_IsPending_InTheOrdersCurrency_AndRaisesRefundCreatedForTheOrdersCallbackUrl()
    {
        var order = RefundBuilder.Captured(1000);

        var refund = order.Refund(250);

        Assert.StartsWith("re_", refund.Id, StringComparison.Ordinal);
        Assert.Equal(RefundStatus.Pending, refund.Status);
        Assert.Equal(order.Currency, refund.Currency);
        Assert.Equal(order.MerchantId, refund.MerchantId);
        Assert.Equal(order.CallbackUrl, refund.CallbackUrl);
        Assert.Equal("sandbox", refund.Processor);
        Assert.False(refund.IsSubmitted);
        Assert.Equal([RefundEventTypes.Created], refund.RaisedEvents.Select(e => e.Type));
        Assert.Empty(order.RaisedEvents);
    }
}
