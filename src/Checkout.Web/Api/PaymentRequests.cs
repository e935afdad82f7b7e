using System.Text.Json.Serialization;

namespace Checkout.Web.Api;

/// <summary>The body of <c>POST /api/v1/orders/{id}/confirm</c>: a processor token such as <c>pm_card_visa</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ConfirmOrderRequest(string? PaymentMethod);

/// <summary>The body of <c>POST /api/v1/orders/{id}/capture</c>: omit <c>amount</c> to capture everything authorized.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CaptureOrderRequest(long? Amount);
