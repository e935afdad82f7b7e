using Checkout.Core.Common;
using Checkout.Core.Data;
using Checkout.Core.Merchants;
using Checkout.Core.Orders;
using Checkout.Core.Payments;
using Checkout.Web.Idempotency;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Checkout.Web.Api;

/// <summary>Merchants create, read, list and cancel their orders.</summary>
public static class OrdersApi
{
    public const int MaxPageSize = 100;

    public static RouteGroupBuilder MapOrdersApiV1(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/orders");
        group.MapPost("/", CreateAsync).WithGroupCommittedIdempotency();
        group.MapGet("/", ListAsync);
        group.MapGet("/{id}", GetAsync);
        group.MapPost("/{id}/cancel", CancelAsync).WithIdempotency();
        group.MapPost("/{id}/confirm", ConfirmAsync).WithIdempotency();
        group.MapPost("/{id}/capture", CaptureAsync).WithIdempotency();
        return group;
    }

    public sealed record OrderList(IReadOnlyList<OrderResource> Data, bool HasMore);

    private static async Task<Results<Created<OrderResource>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateOrderRequest? request, HttpContext http, MerchantDirectory merchants, NewRows newRows, IOptions<OrderOptions> options, OrderLinks links, TimeProvider clock)
    {
        if (request is null) return ApiProblems.Problem(400, "invalid_request", "A JSON body is required.");
        var merchant = await merchants.FindAsync(http.User.MerchantId())
            ?? throw new InvalidOperationException("An authenticated merchant is missing from the database.");
        var newOrder = request.Validate(merchant, options.Value, out var errors);
        if (newOrder is null) return ApiProblems.Validation(errors);

        var order = Order.Create(newOrder, merchant.Id, clock.GetUtcNow());
        newRows.Add(order);
        await newRows.SaveAsync();
        var resource = links.Describe(order);
        return TypedResults.Created(resource.Links![0].Href, resource);
    }

    private static async Task<Results<Ok<OrderResource>, ProblemHttpResult>> GetAsync(string id, HttpContext http, CheckoutDbContext db, OrderLinks links)
    {
        using var read = PreparedReads.WithoutOwnConnection();
        await foreach (var order in MerchantOrder(db, id, http.User.MerchantId()).WithCancellation(http.RequestAborted))
            return TypedResults.Ok(links.Describe(order));
        return OrderNotFound(id);
    }

    // The hottest read of the API: compiled once (no expression tree to build and look up per request) and run as a
    // prepared statement (SQLite would otherwise parse this wide SQL on every request). A plain filter on the key,
    // not Single/First: with the attempts and refunds included those wrap the order in a longer LIMIT subquery.
    private static readonly Func<CheckoutDbContext, string, string, IAsyncEnumerable<Order>> MerchantOrder =
        EF.CompileAsyncQuery((CheckoutDbContext db, string id, string merchantId) =>
            db.Orders.TagWith(PreparedReads.Tag).AsNoTracking().Where(o => o.Id == id && o.MerchantId == merchantId));

    private static async Task<Results<Ok<OrderList>, ValidationProblem, ProblemHttpResult>> ListAsync(
        HttpContext http, CheckoutDbContext db, OrderLinks links, string? reference, string? status, string? limit, string? starting_after)
    {
        var errors = new Dictionary<string, string[]>();
        var pageSize = 10;
        if (limit is not null && (!int.TryParse(limit, out pageSize) || pageSize is < 1 or > MaxPageSize))
            errors["limit"] = [$"limit is an integer from 1 to {MaxPageSize}."];
        OrderStatus parsedStatus = default;
        if (status is not null && !OrderStatusExtensions.TryParseApiName(status, out parsedStatus))
            errors["status"] = ["status is not a known order status."];
        if (errors.Count > 0) return ApiProblems.Validation(errors);

        var merchantId = http.User.MerchantId();
        var query = db.Orders.AsNoTracking().Where(o => o.MerchantId == merchantId);
        if (reference is not null) query = query.Where(o => o.Reference == reference);
        if (status is not null) query = query.Where(o => o.Status == parsedStatus);
        if (starting_after is not null)
        {
            var cursor = await db.Orders.AsNoTracking()
                .Where(o => o.Id == starting_after && o.MerchantId == merchantId)
                .Select(o => new { o.CreatedAt, o.Id })
                .SingleOrDefaultAsync(http.RequestAborted);
            if (cursor is null) return ApiProblems.Problem(400, "invalid_cursor", $"starting_after '{starting_after}' is not one of your orders.");
            query = query.Where(o => o.CreatedAt < cursor.CreatedAt || (o.CreatedAt == cursor.CreatedAt && string.Compare(o.Id, cursor.Id) < 0));
        }

        var page = await query.OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id)
            .Take(pageSize + 1).ToListAsync(http.RequestAborted);
        var hasMore = page.Count > pageSize;
        return TypedResults.Ok(new OrderList(page.Take(pageSize).Select(links.Describe).ToList(), hasMore));
    }

    private static async Task<Ok<OrderResource>> CancelAsync(string id, HttpContext http, OrderPayments payments, OrderLinks links)
    {
        var outcome = await payments.CancelAsync(id, http.User.MerchantId(), http.RequestAborted);
        return TypedResults.Ok(links.Describe(outcome.Order));
    }

    /// <summary>Server-side confirmation with a processor token; a decline answers 200 with last_payment_error.</summary>
    private static async Task<Results<Ok<OrderResource>, ValidationProblem>> ConfirmAsync(
        string id, ConfirmOrderRequest? request, HttpContext http, OrderPayments payments, OrderLinks links)
    {
        if (string.IsNullOrWhiteSpace(request?.PaymentMethod))
            return ApiProblems.Validation(new Dictionary<string, string[]> { ["payment_method"] = ["payment_method is required (e.g. pm_card_visa)."] });
        var outcome = await payments.ConfirmAsync(id, http.User.MerchantId(), new PaymentChoice.ProcessorToken(request.PaymentMethod), http.RequestAborted);
        return TypedResults.Ok(links.Describe(outcome.Order));
    }

    /// <summary>Captures an authorized order, all of it or a smaller <c>amount</c> (the rest is released).</summary>
    private static async Task<Ok<OrderResource>> CaptureAsync(
        string id, CaptureOrderRequest? request, HttpContext http, OrderPayments payments, OrderLinks links)
    {
        var outcome = await payments.CaptureAsync(id, http.User.MerchantId(), request?.Amount, http.RequestAborted);
        return TypedResults.Ok(links.Describe(outcome.Order));
    }

    private static ProblemHttpResult OrderNotFound(string id) => ApiProblems.NotFound("order_not_found", $"No order '{id}'.");
}
