using System.Security.Cryptography;
using System.Text;
using Checkout.Core.Common;
using Checkout.Core.Data;
using Checkout.Core.Idempotency;
using Checkout.Web.Api;
using Microsoft.EntityFrameworkCore;

namespace Checkout.Web.Idempotency;

/// <summary>
/// Honours <c>Idempotency-Key</c> on a POST endpoint: the claim of the key, the handler's writes and the
/// stored response commit together (one unit of the single writer), and a later replay returns that response byte for byte.
/// A claim left by a request that is still running elsewhere gets 409.
/// </summary>
public sealed class IdempotencyFilter(CheckoutDbContext db, NewRows newRows, GroupCommit groupCommit, TimeProvider clock) : IEndpointFilter
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
        if (http.GetEndpoint()?.Metadata.GetMetadata<GroupCommittedWrites>() is not null)
            return await RunGroupCommittedAsync(context, next, merchantId, key, requestHash);

        // A key already answered is answered without queueing for the database's writer.
        var onRecord = await FindSettledRecordAsync(merchantId, key);
        if (onRecord is not null && Answer(onRecord, requestHash, clock.GetUtcNow()) is { } replay) return replay;

        // One unit of the database's single writer for the claim, the handler's writes and the stored response: a
        // duplicate that arrives meanwhile runs after it and replays the answer.
        var answer = await groupCommit.RunAsync(db, unit => ClaimRunAndStoreAsync(context, next, merchantId, key, requestHash, onRecord is not null, unit));
        if (answer is not BufferedResponse buffered) return answer;
        buffered.Body.Position = 0;
        await buffered.Body.CopyToAsync(http.Response.Body, http.RequestAborted);
        return Results.Empty;
    }

    /// <summary>
    /// An endpoint that only adds new rows claims nothing up front and looks nothing up first: its rows and the
    /// key's completed record go into one group commit after the handler. A key already on record, or taken by a
    /// duplicate meanwhile, makes that insert fail on the record's primary key, and the request answers as the
    /// record says (a replay, a reuse refused). A replay thus runs the handler once more, for nothing it keeps:
    /// cheaper overall than a lookup before every new key.
    /// </summary>
    private async Task<object?> RunGroupCommittedAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next,
        string merchantId, string key, string requestHash)
    {
        var http = context.HttpContext;
        var originalBody = http.Response.Body;
        using var buffer = new MemoryStream();
        newRows.Hold();
        try
        {
            object? result;
            try
            {
                result = await next(context);
            }
            catch (DomainException refused)
            {
                newRows.Release(); // a refused action is stored as an answer, without anything it meant to write
                result = ApiProblems.FromDomain(refused);
            }
            http.Response.Body = buffer;
            await ExecuteAsync(result, http);
            http.Response.Body = originalBody;

            var rows = newRows.Release();
            // Nothing is kept on a server error, the key included: the merchant can retry with the same key.
            if (http.Response.StatusCode < 500)
            {
                var record = IdempotencyRecord.Claim(merchantId, key, requestHash, clock.GetUtcNow(), ClaimLock);
                Complete(record, http.Response, buffer);
                rows.Add(record);
                try
                {
                    await groupCommit.SaveAsync(rows);
                }
                catch (DbUpdateException)
                {
                    // Only a key already on record is an answer; any other failure is the server's.
                    if (WinnersAnswer(await FindSettledRecordAsync(merchantId, key), requestHash, http.Response) is not { } lost) throw;
                    return lost;
                }
            }
        }
        finally
        {
            http.Response.Body = originalBody;
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(originalBody, http.RequestAborted);
        return Results.Empty;
    }

    // Outside a transaction it runs as a prepared statement (PreparedReads); inside, it reads behind the writer.
    private static readonly Func<CheckoutDbContext, string, string, Task<IdempotencyRecord?>> FindRecord =
        EF.CompileAsyncQuery((CheckoutDbContext db, string merchantId, string key) =>
            db.IdempotencyRecords.TagWith(PreparedReads.Tag).AsNoTracking().FirstOrDefault(r => r.MerchantId == merchantId && r.Key == key));

    // Outside any transaction: what has committed, read without opening the context's own connection.
    private async Task<IdempotencyRecord?> FindSettledRecordAsync(string merchantId, string key)
    {
        using var read = PreparedReads.WithoutOwnConnection();
        return await FindRecord(db, merchantId, key);
    }

    private static void Complete(IdempotencyRecord record, HttpResponse response, MemoryStream body) =>
        record.Complete(response.StatusCode, response.ContentType, response.Headers.Location.ToString() is { Length: > 0 } l ? l : null, body.ToArray());

    /// <summary>What a request with a key already on record gets instead of running; null when it may take the key over.</summary>
    private static IResult? Answer(IdempotencyRecord record, string requestHash, DateTimeOffset now)
    {
        if (record.RequestHash != requestHash && (record.IsCompleted || !record.IsAbandonedAt(now))) return Reused();
        if (record.IsCompleted) return Replay(record);
        return record.IsAbandonedAt(now) ? null : InUse();
    }

    /// <summary>
    /// Inside the writer's unit: runs the handler and stores its response with the key, or answers from the key's
    /// record. Returns what to answer; the handler's own response comes back buffered, headers already set.
    /// A key that was not on record just before is not looked up again: a duplicate that took it since makes the
    /// record's insert fail, and this unit is then discarded and answers as the winner's record says. Only a claim
    /// left behind is read again here, where nobody else writes, before it is taken over.
    /// </summary>
    private async Task<object?> ClaimRunAndStoreAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next,
        string merchantId, string key, string requestHash, bool wasOnRecord, WriteUnit unit)
    {
        const string BeforeHandler = "idempotency_claimed";
        var http = context.HttpContext;
        var now = clock.GetUtcNow();
        var existing = wasOnRecord ? await FindRecord(db, merchantId, key) : null;
        if (existing is not null && Answer(existing, requestHash, now) is { } answer) return answer;

        // The record is written once, with the response, after the handler: it stays untracked meanwhile
        // so a handler that clears its change tracker cannot lose it.
        var record = existing ?? IdempotencyRecord.Claim(merchantId, key, requestHash, now, ClaimLock);
        if (existing is not null) record.Reclaim(requestHash, now, ClaimLock);

        var transaction = db.Database.CurrentTransaction!;
        var originalBody = http.Response.Body;
        var buffer = new MemoryStream();
        try
        {
            await transaction.CreateSavepointAsync(BeforeHandler, http.RequestAborted);
            object? result;
            try
            {
                result = await next(context);
            }
            catch (DomainException refused)
            {
                // A refused action is an answer too: store it, but none of the handler's half-made changes.
                await transaction.RollbackToSavepointAsync(BeforeHandler, http.RequestAborted);
                db.ChangeTracker.Clear();
                result = ApiProblems.FromDomain(refused);
            }
            http.Response.Body = buffer;
            await ExecuteAsync(result, http);
        }
        finally
        {
            http.Response.Body = originalBody;
        }

        // Nothing is kept on a server error, the claim included: the merchant can retry with the same key.
        if (http.Response.StatusCode >= 500)
        {
            unit.Discard();
            return new BufferedResponse(buffer);
        }
        Complete(record, http.Response, buffer);
        try
        {
            // The handler saved its own changes: a new record is only written, never tracked.
            if (existing is null) unit.Insert(record);
            else
            {
                db.IdempotencyRecords.Update(record);
                await db.SaveChangesAsync(http.RequestAborted);
            }
        }
        catch (DbUpdateException) when (existing is null)
        {
            // A duplicate took the key since it was looked up: its answer stands, and nothing of this run is kept.
            unit.Discard();
            db.ChangeTracker.Clear();
            if (WinnersAnswer(await FindRecord(db, merchantId, key), requestHash, http.Response) is not { } lost) throw;
            return lost;
        }
        return new BufferedResponse(buffer);
    }

    /// <summary>A duplicate took the key first: its record answers instead of this run's response; null when there is none.</summary>
    private IResult? WinnersAnswer(IdempotencyRecord? winner, string requestHash, HttpResponse response)
    {
        if (winner is null) return null;
        response.Clear();
        return Answer(winner, requestHash, clock.GetUtcNow()) ?? InUse();
    }

    /// <summary>The handler's response body, written to the client once the unit that stored it has committed.</summary>
    private sealed record BufferedResponse(MemoryStream Body);

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
