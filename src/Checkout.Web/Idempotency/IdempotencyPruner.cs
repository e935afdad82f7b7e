using Checkout.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Checkout.Web.Idempotency;

/// <summary>Configuration section <c>Checkout:Idempotency</c>.</summary>
public sealed class IdempotencyOptions
{
    public const string Section = "Checkout:Idempotency";

    /// <summary>How long a key and its response are kept (at least 24 h by contract).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(24);

    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>Deletes idempotency keys older than the retention period.</summary>
public sealed class IdempotencyPruner(IServiceScopeFactory scopes, TimeProvider clock, IOptions<IdempotencyOptions> options, ILogger<IdempotencyPruner> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PruneInterval, clock);
        do
        {
            try
            {
                await PruneAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Pruning idempotency keys failed; trying again later.");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
        var cutoff = clock.GetUtcNow() - options.Value.Retention;
        return await db.IdempotencyRecords.Where(r => r.CreatedAt < cutoff).ExecuteDeleteAsync(cancellationToken);
    }
}
