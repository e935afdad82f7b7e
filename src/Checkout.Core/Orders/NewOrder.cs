namespace Checkout.Core.Orders;

/// <summary>A merchant's validated request for a new order.</summary>
public sealed record NewOrder(
    long Amount,
    string Currency,
    string? Description,
    string? Reference,
    string SuccessUrl,
    string ErrorUrl,
    string? CallbackUrl,
    CaptureMethod CaptureMethod,
    IReadOnlyDictionary<string, string>? Metadata,
    TimeSpan ExpiresIn);
