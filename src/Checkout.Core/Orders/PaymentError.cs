namespace Checkout.Core.Orders;

/// <summary>Why the last payment attempt on an order did not go through.</summary>
public sealed record PaymentError(string Code, string? DeclineCode, string Message);
