using System.Security.Cryptography;
using System.Text;
using Checkout.Core.Common;
using Checkout.Core.Data;
using Checkout.Core.Idempotency;
using Checkout.Web.Api;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Web.Idempotency;

/// <summary>
/// Honours <c>Idempotency-Key</c> on a POST endpoint: the key is claimed first (a concurrent duplicate
/// gets 409), then the handler's writes and the stored response commit in one transaction, and a
/// later replay returns that response byte for byte.
/// </summary>
public sealed class IdempotencyFilter(CheckoutDbContext db, TimeProvider clock, ILogger<IdempotencyFilter> logger) : IEndpointFilter
{
    public const string HeaderName = "Idempotency-Key";
    public const int MaxKeyLength = 255;
    private static readonly TimeSpan ClaimLock = TimeSpan.FromMinutes(1);

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!http.Request.Headers.TryGetValue(HeaderName, out var values)) return await next(context);
        var key = values.ToString();
        if (key.Length is 0 or > MaxKeyLength || values.Count > 1)
            return ApiProblems.Problem(400, "idempotency_key_invalid", $"{HeaderName} must be one value of 1 to {MaxKeyLength} characters.");

        var merchantId = http.User.MerchantId();
        var requestHash = await HashRequestAsync(http.Request);
        var now = clock.GetUtcNow();

        var record = await db.IdempotencyRecords.SingleOrDefaultAsync(r => r.MerchantId == merchantId && r.Key == key, http.RequestAborted);
        if (record is not null)
        {
            if (record.RequestHash != requestHash && (record.IsCompleted || !record.IsAbandonedAt(now))) return Reused();
            if (record.IsCompleted) return Replay(record);
            if (!record.IsAbandonedAt(now)) return InUse();
            record.Reclaim(requestHash, now, ClaimLock);
        }
        else
        {
            record = IdempotencyRecord.Claim(merchantId, key, requestHash, now, ClaimLock);
            db.IdempotencyRecords.Add(record);
        }

        try
        {
            await db.SaveChangesAsync(http.RequestAborted);
        }
        catch (DbUpdateException)
        {
            // Someone claimed the key between our read and our write.
            db.ChangeTracker.Clear();
            var winner = await db.IdempotencyRecords.AsNoTracking().SingleAsync(r => r.MerchantId == merchantId && r.Key == key, http.RequestAborted);
            if (winner.RequestHash != requestHash) return Reused();
            return winner.IsCompleted ? Replay(winner) : InUse();
        }

        return await RunAndStoreAsync(context, next, record);
    }

    private async Task<object?> RunAndStoreAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, IdempotencyRecord record)
    {
        var http = context.HttpContext;
        var originalBody = http.Response.Body;
        using var buffer = new MemoryStream();
        await using var transaction = await db.Database.BeginTransactionAsync(http.RequestAborted);
        try
        {
            object? result;
            try
            {
                result = await next(context);
            }
            catch (DomainException refused)
            {
                // A refused action is an answer too: store it, but none of the handler's half-made changes.
                db.ChangeTracker.Clear();
                db.IdempotencyRecords.Attach(record);
                result = ApiProblems.FromDomain(refused);
            }
            http.Response.Body = buffer;
            await ExecuteAsync(result, http);

            if (http.Response.StatusCode >= 500)
            {
                await transaction.RollbackAsync(CancellationToken.None);
                await ReleaseAsync(record);
            }
            else
            {
                // A handler that recovered from a concurrency conflict may have cleared the tracker.
                if (db.Entry(record).State == EntityState.Detached) db.IdempotencyRecords.Attach(record);
                record.Complete(http.Response.StatusCode, http.Response.ContentType, http.Response.Headers.Location.ToString() is { Length: > 0 } l ? l : null, buffer.ToArray());
                await db.SaveChangesAsync(http.RequestAborted);
                await transaction.CommitAsync(http.RequestAborted);
            }
        }
        catch
        {
            await transaction.RollbackAsync(CancellationToken.None);
            await ReleaseAsync(record);
            throw;
        }
        finally
        {
            http.Response.Body = originalBody;
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(originalBody, http.RequestAborted);
        return Results.Empty;
    }

    /// <summary>The work failed: free the key so the merchant can retry with it.</summary>
    private async Task ReleaseAsync(IdempotencyRecord record)
    {
        try
        {
            db.ChangeTracker.Clear();
            await db.IdempotencyRecords.Where(r => r.MerchantId == record.MerchantId && r.Key == record.Key && !r.IsCompleted)
                .ExecuteDeleteAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The claim's lock runs out on its own; a retry then takes it over.
            logger.LogWarning(ex, "Could not release idempotency key {Key}", record.Key);
        }
    }

    private static async Task ExecuteAsync(object? result, HttpContext http)
    {
        switch (result)
        {
            case IResult r:
                await r.ExecuteAsync(http);
                break;
            case null:
                break;
            default:
                await TypedResults.Ok(result).ExecuteAsync(http);
                break;
        }
    }

    private static async Task<string> HashRequestAsync(HttpRequest request)
    {
        request.EnableBuffering();
        request.Body.Position = 0;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method} {request.Path}{request.QueryString}\n"));
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0) hash.AppendData(chunk, 0, read);
        request.Body.Position = 0;
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static IResult Replay(IdempotencyRecord record) => new StoredResponse(record);

    private static IResult Reused() => ApiProblems.Problem(422, "idempotency_key_reused",
        $"This {HeaderName} was already used with different parameters.");

    private static IResult InUse() => ApiProblems.Problem(409, "idempotency_key_in_use",
        $"A request with this {HeaderName} is still in progress; retry shortly.");

    /// <summary>Writes the first response again, marked as a replay.</summary>
    private sealed class StoredResponse(IdempotencyRecord record) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = record.ResponseStatusCode ?? 200;
            if (record.ResponseContentType is not null) response.ContentType = record.ResponseContentType;
            if (record.ResponseLocation is not null) response.Headers.Location = record.ResponseLocation;
            response.Headers["Idempotent-Replayed"] = "true";
            await response.Body.WriteAsync(record.ResponseBody ?? []);
        }
    }
}

public static class IdempotencyEndpointExtensions
{
    /// <summary>Opts a POST endpoint into Idempotency-Key handling (the one line later endpoints add).</summary>
    public static RouteHandlerBuilder WithIdempotency(this RouteHandlerBuilder endpoint) =>
        endpoint.AddEndpointFilter<IdempotencyFilter>();
}
