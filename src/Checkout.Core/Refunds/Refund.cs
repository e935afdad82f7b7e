using Checkout.Core.Common;
using Checkout.Core.Orders;
using Checkout.Core.Payments.Processors;

namespace Checkout.Core.Refunds;

/// <summary>
/// Money going back to the shopper from a captured order. Made only through
/// <see cref="Order.CreateRefund"/> (which reserves the amount), then moved by the processor's
/// answers: pending → processing → succeeded | failed. Its events go to the order's callback_url.
/// </summary>
public sealed class Refund : IEventSource
{
    private readonly List<RaisedEvent> _raisedEvents = [];

    private Refund() { }

    public string Id { get; private set; } = null!;
    public string OrderId { get; private set; } = null!;
    public string MerchantId { get; private set; } = null!;
    public long Amount { get; private set; }
    public string Currency { get; private set; } = null!;
    public RefundStatus Status { get; private set; }
    public string? Reason { get; private set; }
    /// <summary>Why the processor could not return the money (failed refunds only).</summary>
    public string? FailureReason { get; private set; }
    public Dictionary<string, string> Metadata { get; private set; } = [];
    /// <summary>A batch item's idempotency_key, unique per merchant.</summary>
    public string? IdempotencyKey { get; private set; }
    /// <summary>What <see cref="IdempotencyKey"/> was first used for (<see cref="NewRefund.Fingerprint"/>).</summary>
    public string? IdempotencyFingerprint { get; private set; }
    /// <summary>Copied from the order, so refund events go where the merchant hears about the payment.</summary>
    public string? CallbackUrl { get; private set; }
    public string? Processor { get; private set; }
    /// <summary>The processor's id for the refund; null until it has been handed over.</summary>
    public string? ProcessorReference { get; private set; }
    /// <summary>When the background service next asks the processor; moved ahead while a worker holds it (the lease).</summary>
    public DateTimeOffset NextCheckAt { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    /// <summary>Bumped on every change; a stale writer fails instead of overwriting.</summary>
    public int Version { get; private set; }

    public IReadOnlyList<RaisedEvent> RaisedEvents => _raisedEvents;

    public bool IsFinal => Status.IsFinal();

    /// <summary>True once the processor has the refund (it gave a reference).</summary>
    public bool IsSubmitted => ProcessorReference is not null;

    /// <summary>Called by the order once it has reserved <paramref name="amount"/>.</summary>
    internal static Refund Create(Order order, long amount, NewRefund request, DateTimeOffset now)
    {
        var refund = new Refund
        {
            Id = Ids.New("re"),
            OrderId = order.Id,
            MerchantId = order.MerchantId,
            Amount = amount,
            Currency = order.Currency,
            Status = RefundStatus.Pending,
            Reason = request.Reason,
            Metadata = request.Metadata is null ? [] : new Dictionary<string, string>(request.Metadata),
            IdempotencyKey = request.IdempotencyKey,
            IdempotencyFingerprint = request.IdempotencyKey is null ? null : request.Fingerprint(),
            CallbackUrl = order.CallbackUrl,
            Processor = order.Processor,
            NextCheckAt = now,
            CreatedAt = now,
            UpdatedAt = now,
        };
        refund._raisedEvents.Add(refund.Event(RefundEventTypes.Created));
        return refund;
    }

    /// <summary>True when a retry with the same idempotency key asks for this very refund.</summary>
    public bool IsSameRequest(NewRefund request) =>
        request.IdempotencyKey == IdempotencyKey && request.Fingerprint() == IdempotencyFingerprint;

    /// <summary>The processor took the refund: remember its reference, then apply its first answer (true: it failed).</summary>
    internal bool Submitted(string processor, RefundResult result, DateTimeOffset now)
    {
        if (IsSubmitted) throw new DomainException("refund_already_submitted", "The refund is already with its processor.");
        if (IsFinal) throw new DomainException("refund_already_final", $"The refund is already {Status.ToApiName()}.");
        Processor = processor;
        ProcessorReference = result.Reference;
        Touch(now);
        return Apply(result, now);
    }

    /// <summary>
    /// The status machine. Forward only: pending → processing → succeeded | failed (a processor may
    /// skip processing). The same status again, or "pending" after "processing" (a stale read), changes
    /// nothing; a final refund never changes. Returns true when the refund has just failed.
    /// </summary>
    internal bool Apply(RefundResult result, DateTimeOffset now)
    {
        var to = result.Status switch
        {
            RefundProcessorStatus.Pending => RefundStatus.Pending,
            RefundProcessorStatus.Processing => RefundStatus.Processing,
            RefundProcessorStatus.Succeeded => RefundStatus.Succeeded,
            RefundProcessorStatus.Failed => RefundStatus.Failed,
            _ => throw new ArgumentOutOfRangeException(nameof(result)),
        };
        if (to == Status) return false;
        if (IsFinal)
            throw new DomainException("refund_already_final", $"The refund is already {Status.ToApiName()}; it cannot become {to.ToApiName()}.");
        if (to == RefundStatus.Pending) return false;

        Status = to;
        if (to == RefundStatus.Failed)
            FailureReason = string.IsNullOrWhiteSpace(result.FailureReason) ? "The processor could not return the money." : result.FailureReason;
        Touch(now);
        _raisedEvents.Add(Event(RefundEventTypes.Updated));
        if (to == RefundStatus.Failed) _raisedEvents.Add(Event(RefundEventTypes.Failed));
        return to == RefundStatus.Failed;
    }

    /// <summary>When the background service should look at this refund again (also how a worker leases it).</summary>
    public void ScheduleCheck(DateTimeOffset at) => NextCheckAt = at;

    public void ClearRaisedEvents() => _raisedEvents.Clear();

    private RaisedEvent Event(string type) => new(type, () => RefundResource.From(this));

    private void Touch(DateTimeOffset now)
    {
        UpdatedAt = now;
        Version++;
    }
}
