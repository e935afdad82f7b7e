using System.Text.Json;
using Checkout.Core.Callbacks;
using Checkout.Core.Data;
using Checkout.Web.Idempotency;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Web.Api;

/// <summary>Merchants read an event with its callback deliveries and attempts, and resend failed deliveries.</summary>
public static class EventsApi
{
    public static RouteGroupBuilder MapEventsApiV1(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/events");
        group.MapGet("/{id}", GetAsync);
        group.MapPost("/{id}/redeliver", RedeliverAsync).WithIdempotency();
        return group;
    }

    public sealed record EventResource(
        string Id, string Object, string Type, DateTimeOffset CreatedAt, JsonElement Data, IReadOnlyList<DeliveryResource> Deliveries);

    public sealed record DeliveryResource(
        string Id, string Url, CallbackDeliveryStatus Status, int AttemptCount, DateTimeOffset? NextAttemptAt,
        DateTimeOffset CreatedAt, DateTimeOffset? CompletedAt, IReadOnlyList<AttemptResource> Attempts);

    public sealed record AttemptResource(int Number, DateTimeOffset StartedAt, int DurationMs, int? StatusCode, string? Error);

    private static async Task<Results<Ok<EventResource>, ProblemHttpResult>> GetAsync(string id, HttpContext http, CheckoutDbContext db)
    {
        var callbackEvent = await FindAsync(db, id, http);
        return callbackEvent is null ? EventNotFound(id) : TypedResults.Ok(await DescribeAsync(db, callbackEvent, http.RequestAborted));
    }

    /// <summary>Sends the event's failed deliveries again from the start of the retry schedule.</summary>
    private static async Task<Results<Ok<EventResource>, ProblemHttpResult>> RedeliverAsync(
        string id, HttpContext http, CheckoutDbContext db, TimeProvider clock)
    {
        var callbackEvent = await FindAsync(db, id, http);
        if (callbackEvent is null) return EventNotFound(id);

        var failed = await db.CallbackDeliveries
            .Where(d => d.EventId == id && d.Status == CallbackDeliveryStatus.Failed)
            .ToListAsync(http.RequestAborted);
        if (failed.Count == 0)
            return ApiProblems.Problem(409, "no_failed_deliveries", $"Event '{id}' has no failed callback delivery to send again.");

        var now = clock.GetUtcNow();
        foreach (var delivery in failed) delivery.Redeliver(now);
        try
        {
            await db.SaveChangesAsync(http.RequestAborted);
        }
        catch (DbUpdateConcurrencyException)
        {
            return ApiProblems.Problem(409, "event_changed", "A delivery of this event changed meanwhile; read the event again.");
        }
        return TypedResults.Ok(await DescribeAsync(db, callbackEvent, http.RequestAborted));
    }

    private static Task<CallbackEvent?> FindAsync(CheckoutDbContext db, string id, HttpContext http)
    {
        var merchantId = http.User.MerchantId();
        return db.CallbackEvents.AsNoTracking().SingleOrDefaultAsync(e => e.Id == id && e.MerchantId == merchantId, http.RequestAborted);
    }

    private static async Task<EventResource> DescribeAsync(CheckoutDbContext db, CallbackEvent callbackEvent, CancellationToken cancellationToken)
    {
        var deliveries = await db.CallbackDeliveries.AsNoTracking()
            .Include(d => d.Attempts)
            .Where(d => d.EventId == callbackEvent.Id)
            .OrderBy(d => d.CreatedAt).ThenBy(d => d.Id)
            .ToListAsync(cancellationToken);
        // The data object exactly as it was sent: the frozen body, not today's state of the order.
        using var body = JsonDocument.Parse(callbackEvent.Body);
        var data = body.RootElement.GetProperty("data").Clone();
        return new EventResource(callbackEvent.Id, "event", callbackEvent.Type, callbackEvent.CreatedAt, data,
            deliveries.Select(Describe).ToList());
    }

    private static DeliveryResource Describe(CallbackDelivery d) => new(
        d.Id, d.Url, d.Status, d.AttemptCount,
        d.Status == CallbackDeliveryStatus.Pending ? d.NextAttemptAt : null,
        d.CreatedAt, d.CompletedAt,
        d.Attempts.OrderBy(a => a.Id).Select(a => new AttemptResource(a.Number, a.StartedAt, a.DurationMs, a.StatusCode, a.Error)).ToList());

    private static ProblemHttpResult EventNotFound(string id) => ApiProblems.NotFound("event_not_found", $"No event '{id}'.");
}
