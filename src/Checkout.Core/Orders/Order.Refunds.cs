using Checkout.Core.Common;
using Checkout.Core.Payments.Processors;
using Checkout.Core.Refunds;

namespace Checkout.Core.Orders;

/// <summary>
/// Refunds of a captured order. <see cref="AmountRefunded"/> counts every refund that has not failed,
/// pending ones included (Stripe's amount_refunded): that reservation is what keeps concurrent
/// refunds from returning more than was captured. A failed refund gives its amount back.
/// </summary>
public partial class Order
{
    /// <summary>The order's refunds (loaded with the order).</summary>
    public List<Refund> Refunds { get; private set; } = [];

    /// <summary>Captured money not yet refunded or reserved by a refund in flight.</summary>
    public long AmountRefundable => AmountCaptured - AmountRefunded;

    /// <summary>
    /// Reserves <paramref name="request"/>'s amount (all that is left when it has none) and makes the
    /// refund. Refused unless the money was captured, is not disputed, was captured within
    /// <paramref name="window"/>, and covers the amount.
    /// </summary>
    public Refund CreateRefund(NewRefund request, TimeSpan window, DateTimeOffset now)
    {
        var amount = ReserveRefund(request.Amount, window, now);
        var refund = Refund.Create(this, amount, request, now);
        Refunds.Add(refund);
        return refund;
    }

    /// <summary>The processor took the refund; a refusal at once gives the amount back.</summary>
    public void RecordRefundSubmitted(Refund refund, string processor, RefundResult result, DateTimeOffset now)
    {
        EnsureOwn(refund);
        if (refund.Submitted(processor, result, now)) ReleaseRefund(refund.Amount, now);
    }

    /// <summary>The processor's latest word on a refund; a failure gives the amount back.</summary>
    public void RecordRefundStatus(Refund refund, RefundResult result, DateTimeOffset now)
    {
        EnsureOwn(refund);
        if (refund.Apply(result, now)) ReleaseRefund(refund.Amount, now);
    }

    private long ReserveRefund(long? requested, TimeSpan window, DateTimeOffset now)
    {
        if (requested is < 1)
            throw new DomainException("invalid_amount", "amount must be a positive number of minor units.");
        if (Status != OrderStatus.Succeeded || AmountCaptured < 1 || CapturedAt is null)
            throw new DomainException("charge_not_captured", $"Only captured payments can be refunded; this order is {Status.ToApiName()}.");
        if (HasOpenDispute)
            throw new DomainException("charge_disputed", "The payment is disputed; the dispute's outcome decides where the money goes.");
        if (now - CapturedAt.Value > window)
            throw new DomainException("charge_expired", $"The payment was captured more than {window.TotalDays:0.##} days ago and can no longer be refunded.");
        if (AmountRefundable < 1)
            throw new DomainException("charge_already_refunded", "The whole captured amount has already been refunded (or is being refunded).");
        var amount = requested ?? AmountRefundable;
        if (amount > AmountRefundable)
            throw new DomainException("amount_too_large", $"amount {amount} is more than the {AmountRefundable} still refundable.");

        AmountRefunded += amount;
        Touch(now);
        return amount;
    }

    private void ReleaseRefund(long amount, DateTimeOffset now)
    {
        if (amount > AmountRefunded)
            throw new InvalidOperationException($"Order {Id} cannot give back {amount}: only {AmountRefunded} is refunded.");
        AmountRefunded -= amount;
        Touch(now);
    }

    private void EnsureOwn(Refund refund)
    {
        if (refund.OrderId != Id) throw new ArgumentException($"Refund {refund.Id} belongs to order {refund.OrderId}, not {Id}.", nameof(refund));
    }
}
