using Checkout.Core.Common;
using Checkout.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Checkout.Core.Refunds;

/// <summary>One batch item's result: the refund, or the rule it broke.</summary>
public sealed record RefundBatchResult(RefundOutcome? Outcome, DomainException? Error);

/// <summary>
/// Makes a batch of refunds, each succeeding or failing on its own, results in request order.
/// Normally the items run concurrently, each in its own scope and transaction. Under an
/// Idempotency-Key the request already holds a transaction that must commit together with the stored
/// response (and on SQLite holds the write lock), so the items then run one after another inside it,
/// each behind its own savepoint.
/// </summary>
public sealed class RefundBatch(CheckoutDbContext db, RefundService inRequest, IServiceScopeFactory scopes, IOptions<RefundOptions> options, ILogger<RefundBatch> logger)
{
    /// <summary>Runs the items; a null item is one the caller already refused and is skipped (its result is null).</summary>
    public async Task<IReadOnlyList<RefundBatchResult?>> RunAsync(string merchantId, IReadOnlyList<NewRefund?> items, CancellationToken cancellationToken)
    {
        var results = new RefundBatchResult?[items.Count];
        if (db.Database.CurrentTransaction is { } ambient)
        {
            for (var i = 0; i < items.Count; i++)
            {
                if (items[i] is not { } item) continue;
                var savepoint = $"refund_item_{i}";
                await ambient.CreateSavepointAsync(savepoint, cancellationToken);
                try
                {
                    results[i] = new RefundBatchResult(await inRequest.CreateAsync(merchantId, item, cancellationToken), null);
                    await ambient.ReleaseSavepointAsync(savepoint, cancellationToken);
                }
                catch (DomainException refused)
                {
                    await ambient.RollbackToSavepointAsync(savepoint, cancellationToken);
                    results[i] = new RefundBatchResult(null, refused);
                }
            }
            return results;
        }

        await Parallel.ForEachAsync(Enumerable.Range(0, items.Count),
            new ParallelOptions { MaxDegreeOfParallelism = options.Value.BatchConcurrency, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                if (items[i] is not { } item) return;
                await using var scope = scopes.CreateAsyncScope();
                try
                {
                    var outcome = await scope.ServiceProvider.GetRequiredService<RefundService>().CreateAsync(merchantId, item, token);
                    results[i] = new RefundBatchResult(outcome, null);
                }
                catch (DomainException refused)
                {
                    results[i] = new RefundBatchResult(null, refused);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // One item's fault must not sink the others; it is reported as that item's error.
                    logger.LogError(ex, "Batch refund of order {OrderId} failed unexpectedly", item.OrderId);
                    results[i] = new RefundBatchResult(null, new DomainException("internal_error", "Something went wrong on our side; retry this item."));
                }
            });
        return results;
    }
}
