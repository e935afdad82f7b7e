using Checkout.Core.Common;

namespace Checkout.Core.Orders;

/// <summary>
/// A payment a merchant asked for. Every state change goes through a method here that checks the
/// current status, so pages and endpoints never decide transitions themselves.
/// </summary>
public class Order
{
    private readonly List<string> _raisedEvents = [];

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
    /// <summary>How the shopper paid: "wallet" for now.</summary>
    public string? PaymentMethod { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset ExpiresAt { get; private set; }
    public DateTimeOffset UpdatedAt { get; private set; }
    /// <summary>Bumped on every change; a stale writer fails instead of overwriting (two tabs, two workers).</summary>
    public int Version { get; private set; }

    /// <summary>Event types raised since the order was loaded; saving turns them into outbox rows.</summary>
    public IReadOnlyList<string> RaisedEvents => _raisedEvents;

    public Currency CurrencyInfo => Common.Currency.Find(Currency);

    public static Order Create(NewOrder request, string merchantId, DateTimeOffset now)
    {
        if (request.Amount is < 1 or > Money.MaxAmount)
            throw new DomainException("invalid_amount", $"amount must be between 1 and {Money.MaxAmount} minor units.");
        var currency = Common.Currency.Find(request.Currency);
        if (request.ExpiresIn <= TimeSpan.Zero) throw new DomainException("invalid_expires_in", "expires_in must be positive.");

        return new Order
        {
            Id = Ids.New("ord"),
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

    /// <summary>The shopper paid and the money was taken at once (automatic capture).</summary>
    public void Succeed(string shopperId, string paymentMethod, DateTimeOffset now)
    {
        EnsurePayable(now);
        ShopperId = shopperId;
        PaymentMethod = paymentMethod;
        AmountCaptured = Amount;
        LastPaymentError = null;
        MoveTo(OrderStatus.Succeeded, OrderEventTypes.Succeeded, now);
    }

    /// <summary>An attempt failed; the order stays open so the shopper can try again.</summary>
    public void RecordPaymentFailure(string shopperId, PaymentError error, DateTimeOffset now)
    {
        EnsurePayable(now);
        ShopperId = shopperId;
        LastPaymentError = error;
        Touch(now);
        _raisedEvents.Add(OrderEventTypes.PaymentFailed);
    }

    /// <summary>Merchant or shopper gives up before paying.</summary>
    public void Cancel(DateTimeOffset now)
    {
        if (Status.IsFinal())
            throw new DomainException("order_already_final", $"The order is already {Status.ToApiName()}.");
        if (Status != OrderStatus.Created && Status != OrderStatus.RequiresAction)
            throw new DomainException("order_not_cancelable", $"An order that is {Status.ToApiName()} cannot be canceled.");
        MoveTo(OrderStatus.Canceled, OrderEventTypes.Canceled, now);
    }

    /// <summary>Nobody paid before expires_at.</summary>
    public void Expire(DateTimeOffset now)
    {
        if (Status.IsFinal())
            throw new DomainException("order_already_final", $"The order is already {Status.ToApiName()}.");
        if (Status != OrderStatus.Created && Status != OrderStatus.RequiresAction)
            throw new DomainException("order_not_expirable", $"An order that is {Status.ToApiName()} does not expire.");
        if (!IsExpiredAt(now))
            throw new DomainException("order_not_expired", "The order has not reached its expiry time.");
        MoveTo(OrderStatus.Expired, OrderEventTypes.Expired, now);
    }

    public void ClearRaisedEvents() => _raisedEvents.Clear();

    private void EnsurePayable(DateTimeOffset now)
    {
        if (Status.IsFinal())
            throw new DomainException("order_already_final", $"The order is already {Status.ToApiName()}.");
        if (Status != OrderStatus.Created)
            throw new DomainException("order_not_payable", $"An order that is {Status.ToApiName()} cannot be paid.");
        if (IsExpiredAt(now))
            throw new DomainException("order_expired", "The order has expired.");
    }

    private void MoveTo(OrderStatus status, string eventType, DateTimeOffset now)
    {
        Status = status;
        Touch(now);
        _raisedEvents.Add(eventType);
    }

    private void Touch(DateTimeOffset now)
    {
        UpdatedAt = now;
        Version++;
    }
}
