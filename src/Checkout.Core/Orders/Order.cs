using Checkout.Core.Common;
using Checkout.Core.Payments.Processors;

namespace Checkout.Core.Orders;

/// <summary>
/// A payment a merchant asked for. Every state change goes through a method here that checks the
/// current status, so pages, endpoints and background jobs never decide transitions themselves.
/// </summary>
public partial class Order : IEventSource
{
    private readonly List<RaisedEvent> _raisedEvents = [];

    private Order() { }

    public string Id { get; private set; } = null!;
    public string MerchantId { get; private set; } = null!;
    public OrderStatus Status { get; private set; }
    public long Amount { get; private set; }
    public string Currency { get; private set; } = null!;
    public string? Description { get; private set; }
    public string? Reference { get; private set; }
    public string SuccessUrl { get; private set; } = null!;
    public string ErrorUrl { get; private set; } = null!;
    public string? CallbackUrl { get; private set; }
    public CaptureMethod CaptureMethod { get; private set; }
    public long AmountCaptured { get; private set; }
    public long AmountRefunded { get; private set; }
    public PaymentError? LastPaymentError { get; private set; }
    public Dictionary<string, string> Metadata { get; private set; } = [];
    public string? ShopperId { get; private set; }
    /// <summary>How the shopper paid: "wallet" or "card".</summary>
    public string? PaymentMethod { get; private set; }
    public string? CardBrand { get; private set; }
    public string? CardLast4 { get; private set; }
    /// <summary>Which processor holds the payment, so capture, void and refund go back to it.</summary>
    public string? Processor { get; private set; }
    public string? ProcessorReference { get; private set; }
    public List<PaymentAttempt> Attempts { get; private set; } = [];
    public OrderDispute? Dispute { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset ExpiresAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    public DateTimeOffset? AuthorizedAt { get; private set; }
    public DateTimeOffset? CapturedAt { get; private set; }
    /// <summary>Bumped on every change; a stale writer fails instead of overwriting (two tabs, two workers).</summary>
    public int Version { get; private set; }

    public IReadOnlyList<RaisedEvent> RaisedEvents => _raisedEvents;

    public Currency CurrencyInfo => Common.Currency.Find(Currency);

    public bool HasOpenDispute => Dispute is { IsOpen: true };

    public static Order Create(NewOrder request, string merchantId, DateTimeOffset now)
    {
        if (request.Amount is < 1 or > Money.MaxAmount)
            throw new DomainException("invalid_amount", $"amount must be between 1 and {Money.MaxAmount} minor units.");
        var currency = Common.Currency.Find(request.Currency);
        if (request.ExpiresIn <= TimeSpan.Zero) throw new DomainException("invalid_expires_in", "expires_in must be positive.");

        return new Order
        {
            Id = Ids.NewTimeOrdered("ord", now),
            MerchantId = merchantId,
            Status = OrderStatus.Created,
            Amount = request.Amount,
            Currency = currency.Code,
            Description = request.Description,
            Reference = request.Reference,
            SuccessUrl = request.SuccessUrl,
            ErrorUrl = request.ErrorUrl,
            CallbackUrl = request.CallbackUrl,
            CaptureMethod = request.CaptureMethod,
            Metadata = request.Metadata is null ? [] : new Dictionary<string, string>(request.Metadata),
            CreatedAt = now,
            UpdatedAt = now,
            ExpiresAt = now + request.ExpiresIn,
        };
    }

    public bool IsExpiredAt(DateTimeOffset now) => now >= ExpiresAt;

    /// <summary>True while a shopper can still pay: waiting and not past its expiry.</summary>
    public bool IsPayableAt(DateTimeOffset now) => Status == OrderStatus.Created && !IsExpiredAt(now);

    /// <summary>Refuses a payment attempt unless the order is waiting for one.</summary>
    public void EnsurePayable(DateTimeOffset now)
    {
        if (Status.IsFinal())
            throw new DomainException("order_already_final", $"The order is already {Status.ToApiName()}.");
        if (Status != OrderStatus.Created)
            throw new DomainException("order_not_payable", $"An order that is {Status.ToApiName()} cannot be paid now.");
        if (IsExpiredAt(now))
            throw new DomainException("order_expired", "The order has expired.");
    }

    /// <summary>Applies the processor's answer to a new payment attempt.</summary>
    public void RecordAttempt(string processor, PaymentSource source, ProcessorResult result, int maxAttempts, DateTimeOffset now)
    {
        EnsurePayable(now);
        ShopperId = source.ShopperId ?? ShopperId;
        Attempts.Add(PaymentAttempt.Start(Attempts.Count + 1, source.Type, source.CardBrand, source.CardLast4, result.Reference, now));
        Processor = processor;
        ProcessorReference = result.Reference;
        PaymentMethod = source.Type;
        CardBrand = source.CardBrand;
        CardLast4 = source.CardLast4;
        Apply(result, maxAttempts, now);
    }

    /// <summary>The shopper came back from the 3-D Secure challenge with the processor's verdict.</summary>
    public void RecordAuthentication(ProcessorResult result, int maxAttempts, DateTimeOffset now)
    {
        if (Status != OrderStatus.RequiresAction)
            throw new DomainException("order_not_authenticating", $"An order that is {Status.ToApiName()} has no challenge to complete.");
        Apply(result, maxAttempts, now);
    }

    /// <summary>A late authorization (processing) got its final answer from reconciliation.</summary>
    public void Settle(ProcessorResult result, DateTimeOffset now)
    {
        if (Status != OrderStatus.Processing)
            throw new DomainException("order_not_processing", $"An order that is {Status.ToApiName()} has nothing to settle.");
        if (result.Status == ProcessorStatus.Pending) return;
        // A late decline cannot be retried: the shopper has left, so the order fails outright.
        Apply(result, maxAttempts: 1, now);
    }

    /// <summary>Takes all or part of an authorization; the rest is released.</summary>
    public void Capture(long amount, DateTimeOffset now)
    {
        if (Status != OrderStatus.Authorized)
            throw new DomainException("order_not_capturable", $"Only authorized orders can be captured; this one is {Status.ToApiName()}.");
        if (amount < 1 || amount > Amount)
            throw new DomainException("invalid_capture_amount", $"The capture amount must be between 1 and {Amount}.");
        MarkCaptured(amount, null, now);
    }

    /// <summary>Merchant or shopper gives up before the money is taken (an authorization is voided by the caller first).</summary>
    public void Cancel(DateTimeOffset now)
    {
        if (Status.IsFinal())
            throw new DomainException("order_already_final", $"The order is already {Status.ToApiName()}.");
        if (Status is not (OrderStatus.Created or OrderStatus.RequiresAction or OrderStatus.Authorized))
            throw new DomainException("order_not_cancelable", $"An order that is {Status.ToApiName()} cannot be canceled.");
        MoveTo(OrderStatus.Canceled, OrderEventTypes.Canceled, now);
    }

    /// <summary>Nobody paid before expires_at.</summary>
    public void Expire(DateTimeOffset now)
    {
        if (Status.IsFinal())
            throw new DomainException("order_already_final", $"The order is already {Status.ToApiName()}.");
        if (Status is not (OrderStatus.Created or OrderStatus.RequiresAction))
            throw new DomainException("order_not_expirable", $"An order that is {Status.ToApiName()} does not expire.");
        if (!IsExpiredAt(now))
            throw new DomainException("order_not_expired", "The order has not reached its expiry time.");
        MoveTo(OrderStatus.Expired, OrderEventTypes.Expired, now);
    }

    public bool IsAuthorizationExpiredAt(DateTimeOffset now, TimeSpan ttl) =>
        Status == OrderStatus.Authorized && AuthorizedAt is { } at && now >= at + ttl;

    /// <summary>The processor reported the scheduled dispute: it is open now and the merchant is told.</summary>
    public void OpenDueDispute(DateTimeOffset now)
    {
        if (Dispute is not { IsOpen: false } dispute || now < dispute.OpensAt)
            throw new DomainException("dispute_not_due", "No dispute is due on this order.");
        dispute.Open();
        Touch(now);
        _raisedEvents.Add(new RaisedEvent(OrderEventTypes.DisputeCreated, () => DisputeResource.From(this)));
    }

    /// <summary>The processor will report a dispute on this captured payment (the sandbox dispute card, captured manually).</summary>
    public void ScheduleDispute(DateTimeOffset opensAt)
    {
        if (Status != OrderStatus.Succeeded)
            throw new DomainException("order_not_captured", $"Only a captured payment can be disputed; this one is {Status.ToApiName()}.");
        Dispute ??= OrderDispute.Schedule(AmountCaptured, opensAt);
    }

    public void ClearRaisedEvents() => _raisedEvents.Clear();

    private void Apply(ProcessorResult result, int maxAttempts, DateTimeOffset now)
    {
        var attempt = Attempts[^1];
        switch (result.Status)
        {
            case ProcessorStatus.Captured:
                attempt.Resolve("succeeded", null);
                MarkCaptured(result.AmountCaptured ?? Amount, result.DisputeOpensAt, now);
                break;
            case ProcessorStatus.Authorized:
                attempt.Resolve("authorized", null);
                LastPaymentError = null;
                AuthorizedAt = now;
                MoveTo(OrderStatus.Authorized, OrderEventTypes.Authorized, now);
                break;
            case ProcessorStatus.RequiresAction:
                attempt.Resolve("requires_action", null);
                Status = OrderStatus.RequiresAction;
                Touch(now);
                break;
            case ProcessorStatus.Pending:
                attempt.Resolve("processing", null);
                LastPaymentError = null;
                Status = OrderStatus.Processing;
                Touch(now);
                break;
            case ProcessorStatus.Declined:
            case ProcessorStatus.Blocked:
                var blocked = result.Status == ProcessorStatus.Blocked;
                attempt.Resolve(blocked ? "blocked" : "declined", result.DeclineCode);
                LastPaymentError = new PaymentError(ErrorCodeFor(attempt.PaymentMethod, result.DeclineCode), result.DeclineCode,
                    result.Message ?? Payments.DeclineMessages.For(result.DeclineCode));
                Status = OrderStatus.Created;
                Touch(now);
                _raisedEvents.Add(Event(OrderEventTypes.PaymentFailed));
                var failures = Attempts.Count(a => a.Outcome is "declined" or "blocked");
                if (blocked || failures >= maxAttempts) MoveTo(OrderStatus.Failed, OrderEventTypes.Failed, now);
                break;
            default:
                throw new DomainException("processor_result_unexpected", $"A payment cannot end as {result.Status}.");
        }
    }

    private void MarkCaptured(long amount, DateTimeOffset? disputeOpensAt, DateTimeOffset now)
    {
        AmountCaptured = amount;
        CapturedAt = now;
        LastPaymentError = null;
        if (disputeOpensAt is { } opensAt) Dispute = OrderDispute.Schedule(amount, opensAt);
        MoveTo(OrderStatus.Succeeded, OrderEventTypes.Succeeded, now);
    }

    // Stripe's shape: most declines are card_declined with the reason in decline_code.
    private static string ErrorCodeFor(string paymentMethod, string? declineCode) =>
        paymentMethod == PaymentSource.WalletType ? "insufficient_funds"
        : declineCode is "expired_card" or "incorrect_cvc" or "authentication_failed" ? declineCode
        : "card_declined";

    private void MoveTo(OrderStatus status, string eventType, DateTimeOffset now)
    {
        Status = status;
        Touch(now);
        _raisedEvents.Add(Event(eventType));
    }

    private RaisedEvent Event(string type) => new(type, () => OrderResource.From(this));

    private void Touch(DateTimeOffset now)
    {
        UpdatedAt = now;
        Version++;
    }
}
