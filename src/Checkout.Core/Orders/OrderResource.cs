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
    IReadOnlyDictionary<string, string> Metadata,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<Link>? Links { get; init; }

    public static OrderResource From(Order order) => new(
        order.Id, "order", order.Status, order.Amount, order.Currency, order.Description, order.Reference,
        order.SuccessUrl, order.ErrorUrl, order.CallbackUrl, order.CaptureMethod, order.AmountCaptured,
        order.AmountRefunded, order.LastPaymentError, order.PaymentMethod, order.Metadata, order.CreatedAt, order.ExpiresAt);
}

/// <summary>A HATEOAS link: where to go for <see cref="Rel"/>.</summary>
public sealed record Link(string Rel, string Href, string Method);
