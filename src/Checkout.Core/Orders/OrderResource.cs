using System.Text.Json.Serialization;

namespace Checkout.Core.Orders;

/// <summary>The public JSON form of an order, used by the API and inside callback events.</summary>
public sealed record OrderResource(
    string Id,
    string Object,
    OrderStatus Status,
    long Amount,
    string Currency,
    string? Description,
    string? Reference,
    string SuccessUrl,
    string ErrorUrl,
    string? CallbackUrl,
    CaptureMethod CaptureMethod,
    long AmountCaptured,
    long AmountRefunded,
    PaymentError? LastPaymentError,
    string? PaymentMethod,
    CardResource? Card,
    IReadOnlyList<AttemptResource> Attempts,
    DisputeResource? Dispute,
    IReadOnlyDictionary<string, string> Metadata,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt)
{
    /// <summary>What the shopper must do next (3-D Secure); the host fills in the URL.</summary>
    public NextAction? NextAction { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<Link>? Links { get; init; }

    /// <summary>The order's refunds, newest first; amount_refunded counts those that have not failed.</summary>
    public IReadOnlyList<Core.Refunds.RefundResource> Refunds { get; init; } = [];

    public static OrderResource From(Order order) => new(
        order.Id, "order", order.Status, order.Amount, order.Currency, order.Description, order.Reference,
        order.SuccessUrl, order.ErrorUrl, order.CallbackUrl, order.CaptureMethod, order.AmountCaptured,
        order.AmountRefunded, order.LastPaymentError, order.PaymentMethod,
        order.CardLast4 is null ? null : new CardResource(order.CardBrand!, order.CardLast4),
        order.Attempts.Select(a => new AttemptResource(a.Number, a.PaymentMethod, a.CardBrand, a.CardLast4, a.Outcome, a.DeclineCode, a.ProcessorReference, a.CreatedAt)).ToList(),
        order.HasOpenDispute ? DisputeResource.From(order) : null,
        order.Metadata, order.CreatedAt, order.ExpiresAt) { Refunds = Core.Refunds.RefundResource.ListOf(order) };
}

/// <summary>A HATEOAS link: where to go for <see cref="Rel"/>.</summary>
public sealed record Link(string Rel, string Href, string Method);

public sealed record CardResource(string Brand, string Last4);

public sealed record AttemptResource(int Number, string PaymentMethod, string? CardBrand, string? CardLast4, string Outcome, string? DeclineCode, string? ProcessorReference, DateTimeOffset CreatedAt);

/// <summary>Stripe's next_action: <c>{ "type": "redirect_to_url", "redirect_to_url": { "url": … } }</c>.</summary>
public sealed record NextAction(string Type, RedirectToUrl RedirectToUrl)
{
    public static NextAction Redirect(string url) => new("redirect_to_url", new RedirectToUrl(url));
}

public sealed record RedirectToUrl(string Url);
