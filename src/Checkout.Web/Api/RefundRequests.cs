using System.Text.Json.Serialization;
using Checkout.Core.Refunds;
using Checkout.Web.Idempotency;

namespace Checkout.Web.Api;

/// <summary>The body of <c>POST /api/v1/refunds</c>: omit <c>amount</c> to refund everything still refundable.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record CreateRefundRequest(string? OrderId, long? Amount, string? Reason, Dictionary<string, string>? Metadata)
{
    public const int MaxReason = 500;

    public NewRefund? Validate(out Dictionary<string, string[]> errors) => RefundFields.Validate(OrderId, Amount, Reason, Metadata, null, out errors);
}

/// <summary>The body of <c>POST /api/v1/refunds/batch</c>: up to <see cref="RefundsApi.MaxBatchItems"/> refunds.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record BatchRefundRequest(List<BatchRefundItem?>? Refunds);

/// <summary>One refund of a batch; <c>idempotency_key</c> makes a retried batch return this item's first refund.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record BatchRefundItem(string? OrderId, long? Amount, string? Reason, Dictionary<string, string>? Metadata, string? IdempotencyKey)
{
    public NewRefund? Validate(out Dictionary<string, string[]> errors) => RefundFields.Validate(OrderId, Amount, Reason, Metadata, IdempotencyKey, out errors);
}

/// <summary>The batch's answer: one result per item, in request order.</summary>
public sealed record RefundBatchResponse(string Object, IReadOnlyList<RefundBatchItemResult> Data);

/// <summary>
/// One item's result. <c>status</c> is what the item would have answered alone: 201 made, 200 the
/// refund made earlier for its idempotency_key, 4xx refused (then <c>error</c> says why).
/// </summary>
public sealed record RefundBatchItemResult(int Index, string? OrderId, string? IdempotencyKey, int Status, RefundResource? Refund, RefundBatchError? Error);

/// <summary>Why a batch item was refused: the same code a single refund request would get.</summary>
public sealed record RefundBatchError(string Code, string Detail, IDictionary<string, string[]>? Errors = null);

internal static class RefundFields
{
    public static NewRefund? Validate(string? orderId, long? amount, string? reason, Dictionary<string, string>? metadata, string? idempotencyKey,
        out Dictionary<string, string[]> errors)
    {
        errors = [];
        if (string.IsNullOrWhiteSpace(orderId)) errors["order_id"] = ["order_id is required."];
        else if (orderId.Length > 64) errors["order_id"] = ["order_id is at most 64 characters."];
        if (amount is < 1) errors["amount"] = ["amount must be a positive integer in minor units (omit it to refund everything left)."];
        if (reason?.Length > CreateRefundRequest.MaxReason) errors["reason"] = [$"reason is at most {CreateRefundRequest.MaxReason} characters."];
        if (metadata is not null)
        {
            if (metadata.Count > CreateOrderRequest.MaxMetadataPairs) errors["metadata"] = [$"metadata holds at most {CreateOrderRequest.MaxMetadataPairs} pairs."];
            else if (metadata.Any(kv => kv.Key.Length is 0 or > CreateOrderRequest.MaxMetadataKey || kv.Value is null || kv.Value.Length > CreateOrderRequest.MaxMetadataValue))
                errors["metadata"] = [$"metadata keys are 1–{CreateOrderRequest.MaxMetadataKey} characters and values are strings of at most {CreateOrderRequest.MaxMetadataValue}."];
        }
        if (idempotencyKey is not null && idempotencyKey.Length is 0 or > IdempotencyFilter.MaxKeyLength)
            errors["idempotency_key"] = [$"idempotency_key is 1 to {IdempotencyFilter.MaxKeyLength} characters."];
        return errors.Count > 0 ? null : new NewRefund(orderId!, amount, reason, metadata, idempotencyKey);
    }
}
