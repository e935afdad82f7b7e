using Checkout.Core.Common;
using Checkout.Core.Data;
using Checkout.Core.Refunds;
using Checkout.Web.Idempotency;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Web.Api;

/// <summary>Merchants refund captured orders, one at a time or in batches, and read their refunds.</summary>
public static class RefundsApi
{
    public const int MaxPageSize = 100;
    public const int MaxBatchItems = 100;

    public static RouteGroupBuilder MapRefundsApiV1(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/refunds");
        group.MapPost("/", CreateAsync).WithIdempotency();
        group.MapPost("/batch", BatchAsync).WithIdempotency();
        group.MapGet("/", ListAsync);
        group.MapGet("/{id}", GetAsync);
        return group;
    }

    public sealed record RefundList(IReadOnlyList<RefundResource> Data, bool HasMore);

    /// <summary>Makes a refund in <c>pending</c>; the processor moves it on, and refund.* callbacks follow.</summary>
    private static async Task<Results<Created<RefundResource>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateRefundRequest? request, HttpContext http, RefundService refunds)
    {
        if (request is null) return ApiProblems.Problem(400, "invalid_request", "A JSON body is required.");
        var newRefund = request.Validate(out var errors);
        if (newRefund is null) return ApiProblems.Validation(errors);

        var outcome = await refunds.CreateAsync(http.User.MerchantId(), newRefund, http.RequestAborted);
        return TypedResults.Created(PathOf(outcome.Refund.Id), RefundResource.From(outcome.Refund));
    }

    /// <summary>Makes every item it can; the answer is 200 with one result per item, in request order.</summary>
    private static async Task<Results<Ok<RefundBatchResponse>, ValidationProblem, ProblemHttpResult>> BatchAsync(
        BatchRefundRequest? request, HttpContext http, RefundBatch batch)
    {
        if (request?.Refunds is not { } items)
            return ApiProblems.Validation(new Dictionary<string, string[]> { ["refunds"] = ["refunds is required: a list of {order_id, amount?, reason?, idempotency_key?}."] });
        if (items.Count is 0 or > MaxBatchItems)
            return ApiProblems.Validation(new Dictionary<string, string[]> { ["refunds"] = [$"refunds holds 1 to {MaxBatchItems} items."] });
        var duplicateKey = items.Where(i => i?.IdempotencyKey is not null).GroupBy(i => i!.IdempotencyKey).FirstOrDefault(g => g.Count() > 1);
        if (duplicateKey is not null)
            return ApiProblems.Validation(new Dictionary<string, string[]> { ["refunds"] = [$"idempotency_key '{duplicateKey.Key}' is used by more than one item."] });

        // Items with bad fields are answered here; the rest go to the batch.
        var results = new RefundBatchItemResult[items.Count];
        var valid = new NewRefund?[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (item is null)
            {
                results[i] = Refused(i, null, ApiProblems.Validation(new Dictionary<string, string[]> { ["item"] = ["Each item is an object."] }));
                continue;
            }
            valid[i] = item.Validate(out var errors);
            if (valid[i] is null) results[i] = Refused(i, item, ApiProblems.Validation(errors));
        }

        var made = await batch.RunAsync(http.User.MerchantId(), valid, http.RequestAborted);
        for (var i = 0; i < items.Count; i++)
        {
            if (made[i] is not { } result) continue;
            var item = items[i]!;
            results[i] = result.Outcome is { } outcome
                ? new RefundBatchItemResult(i, item.OrderId, item.IdempotencyKey, outcome.Replayed ? 200 : 201, RefundResource.From(outcome.Refund), null)
                : Refused(i, item, result.Error!);
        }
        return TypedResults.Ok(new RefundBatchResponse("list", results));
    }

    private static async Task<Results<Ok<RefundResource>, ProblemHttpResult>> GetAsync(string id, HttpContext http, CheckoutDbContext db)
    {
        var refund = await db.Refunds.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id && r.MerchantId == http.User.MerchantId(), http.RequestAborted);
        return refund is null ? ApiProblems.NotFound("refund_not_found", $"No refund '{id}'.") : TypedResults.Ok(RefundResource.From(refund));
    }

    /// <summary>The merchant's refunds, newest first, optionally of one order; paged like orders.</summary>
    private static async Task<Results<Ok<RefundList>, ValidationProblem, ProblemHttpResult>> ListAsync(
        HttpContext http, CheckoutDbContext db, string? order_id, string? status, string? limit, string? starting_after)
    {
        var errors = new Dictionary<string, string[]>();
        var pageSize = 10;
        if (limit is not null && (!int.TryParse(limit, out pageSize) || pageSize is < 1 or > MaxPageSize))
            errors["limit"] = [$"limit is an integer from 1 to {MaxPageSize}."];
        RefundStatus parsedStatus = default;
        if (status is not null && !RefundStatusExtensions.TryParseApiName(status, out parsedStatus))
            errors["status"] = ["status is pending, processing, succeeded or failed."];
        if (errors.Count > 0) return ApiProblems.Validation(errors);

        var merchantId = http.User.MerchantId();
        var query = db.Refunds.AsNoTracking().Where(r => r.MerchantId == merchantId);
        if (order_id is not null) query = query.Where(r => r.OrderId == order_id);
        if (status is not null) query = query.Where(r => r.Status == parsedStatus);
        if (starting_after is not null)
        {
            var cursor = await db.Refunds.AsNoTracking()
                .Where(r => r.Id == starting_after && r.MerchantId == merchantId)
                .Select(r => new { r.CreatedAt, r.Id })
                .SingleOrDefaultAsync(http.RequestAborted);
            if (cursor is null) return ApiProblems.Problem(400, "invalid_cursor", $"starting_after '{starting_after}' is not one of your refunds.");
            query = query.Where(r => r.CreatedAt < cursor.CreatedAt || (r.CreatedAt == cursor.CreatedAt && string.Compare(r.Id, cursor.Id) < 0));
        }

        var page = await query.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id)
            .Take(pageSize + 1).ToListAsync(http.RequestAborted);
        return TypedResults.Ok(new RefundList(page.Take(pageSize).Select(RefundResource.From).ToList(), page.Count > pageSize));
    }

    private static string PathOf(string refundId) => $"/api/v1/refunds/{refundId}";

    private static RefundBatchItemResult Refused(int index, BatchRefundItem? item, ValidationProblem problem) =>
        new(index, item?.OrderId, item?.IdempotencyKey, 400, null,
            new RefundBatchError("validation_failed", "One or more fields are invalid.", problem.ProblemDetails.Errors));

    private static RefundBatchItemResult Refused(int index, BatchRefundItem item, DomainException refused) =>
        new(index, item.OrderId, item.IdempotencyKey, ApiProblems.FromDomain(refused).StatusCode, null, new RefundBatchError(refused.Code, refused.Message));
}
