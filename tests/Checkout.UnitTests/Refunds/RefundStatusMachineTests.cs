using Checkout.Core.Common;
using Checkout.Core.Payments.Processors;
using Checkout.Core.Refunds;

namespace Checkout.UnitTests.Refunds;

public class RefundStatusMachineTests
{
    private static readonly DateTimeOffset Now = RefundBuilder.Now;

    /// <summary>Every (status, processor answer) pair: the resulting status, or the refusal code.</summary>
    public static TheoryData<RefundStatus, RefundProcessorStatus, string> Table()
    {
        var outcomes = new Dictionary<RefundStatus, string[]>
        {
            // answers:                 pending       processing     succeeded     failed
            [RefundStatus.Pending] =    ["pending",    "processing",  "succeeded",  "failed"],
            [RefundStatus.Processing] = ["processing", "processing",  "succeeded",  "failed"],
            [RefundStatus.Succeeded] =  ["refund_already_final", "refund_already_final", "succeeded", "refund_already_final"],
            [RefundStatus.Failed] =     ["refund_already_final", "refund_already_final", "refund_already_final", "failed"],
        };
        var data = new TheoryData<RefundStatus, RefundProcessorStatus, string>();
        foreach (var (status, row) in outcomes)
            for (var i = 0; i < row.Length; i++) data.Add(status, (RefundProcessorStatus)i, row[i]);
        return data;
    }

    [Theory]
    [MemberData(nameof(Table))]
    public void ProcessorAnswer_FollowsTheStatusMachine(RefundStatus from, RefundProcessorStatus answer, string expected)
    {
        var (order, refund) = RefundBuilder.InStatus(from);
        var refundedBefore = order.AmountRefunded;
        var act = () => order.RecordRefundStatus(refund, RefundBuilder.Answer(answer, "issuer said no"), Now);

        if (RefundStatusExtensions.TryParseApiName(expected, out var to))
        {
            act();
            Assert.Equal(to, refund.Status);
            var changed = to != from;
            Assert.Equal(changed ? (to == RefundStatus.Failed ? [RefundEventTypes.Updated, RefundEventTypes.Failed] : [RefundEventTypes.Updated]) : (string[])[],
                refund.RaisedEvents.Select(e => e.Type).ToArray());
            // Only the move into failed gives the money back.
            Assert.Equal(changed && to == RefundStatus.Failed ? refundedBefore - refund.Amount : refundedBefore, order.AmountRefunded);
        }
        else
        {
            var error = Assert.Throws<DomainException>(act);
            Assert.Equal(expected, error.Code);
            Assert.Equal(from, refund.Status);
            Assert.Empty(refund.RaisedEvents);
            Assert.Equal(refundedBefore, order.AmountRefunded);
        }
    }

    [Fact]
    public void Submission_RecordsTheProcessorsReference_AndItsFirstAnswer()
    {
        var order = RefundBuilder.Captured();
        var refund = order.Refund(300);
        refund.ClearRaisedEvents();

        order.RecordRefundSubmitted(refund, "sandbox", new RefundResult(RefundProcessorStatus.Processing, "sbxre_42"), Now);

        Assert.True(refund.IsSubmitted);
        Assert.Equal("sbxre_42", refund.ProcessorReference);
        Assert.Equal(RefundStatus.Processing, refund.Status);
        Assert.Equal([RefundEventTypes.Updated], refund.RaisedEvents.Select(e => e.Type));
    }

    [Fact]
    public void Submission_ThatStaysPending_RaisesNothing()
    {
        var order = RefundBuilder.Captured();
        var refund = order.Refund(300);
        refund.ClearRaisedEvents();

        order.RecordRefundSubmitted(refund, "sandbox", RefundBuilder.Answer(RefundProcessorStatus.Pending), Now);

        Assert.Equal(RefundStatus.Pending, refund.Status);
        Assert.Empty(refund.RaisedEvents);
    }

    [Fact]
    public void Refund_IsSubmittedOnlyOnce()
    {
        var (order, refund) = RefundBuilder.InStatus(RefundStatus.Pending);

        var error = Assert.Throws<DomainException>(() =>
            order.RecordRefundSubmitted(refund, "sandbox", RefundBuilder.Answer(RefundProcessorStatus.Pending), Now));

        Assert.Equal("refund_already_submitted", error.Code);
    }

    [Fact]
    public void FailedRefund_CarriesTheProcessorsReason_OrAGenericOne()
    {
        var (order, withReason) = RefundBuilder.InStatus(RefundStatus.Processing);
        order.RecordRefundStatus(withReason, RefundBuilder.Answer(RefundProcessorStatus.Failed, "The card issuer refused the refund."), Now);
        var (other, withoutReason) = RefundBuilder.InStatus(RefundStatus.Processing);
        other.RecordRefundStatus(withoutReason, RefundBuilder.Answer(RefundProcessorStatus.Failed), Now);

        Assert.Equal("The card issuer refused the refund.", withReason.FailureReason);
        Assert.False(string.IsNullOrWhiteSpace(withoutReason.FailureReason));
        Assert.Null(RefundBuilder.InStatus(RefundStatus.Succeeded).Refund.FailureReason);
    }

    [Fact]
    public void Order_RefusesToRecordAnotherOrdersRefund()
    {
        var (_, refund) = RefundBuilder.InStatus(RefundStatus.Pending);
        var other = RefundBuilder.Captured();

        Assert.Throws<ArgumentException>(() => other.RecordRefundStatus(refund, RefundBuilder.Answer(RefundProcessorStatus.Succeeded), Now));
    }

    [Fact]
    public void IdempotencyFingerprint_MatchesOnlyTheSameRequest()
    {
        var order = RefundBuilder.Captured();
        var first = new NewRefund(order.Id, 100, "recall", new Dictionary<string, string> { ["b"] = "2", ["a"] = "1" }, "key-1");
        var refund = order.CreateRefund(first, RefundBuilder.Window, Now);

        Assert.True(refund.IsSameRequest(first with { Metadata = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2" } }));
        Assert.False(refund.IsSameRequest(first with { Amount = 101 }));
        Assert.False(refund.IsSameRequest(first with { Amount = null }));
        Assert.False(refund.IsSameRequest(first with { OrderId = "ord_other" }));
    }
}
