using System.Collections.Concurrent;
using Checkout.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.Core.Callbacks;

/// <summary>
/// The merchants' webhook secrets for signing callbacks, read from the database at most once per
/// <see cref="TimeToLive"/> per merchant instead of once per callback. Nothing in this process changes
/// a secret today; should one change (another instance, an operator), callbacks are signed with the
/// new one within <see cref="TimeToLive"/>, and <see cref="Forget"/> makes it immediate here.
/// </summary>
public sealed class WebhookSecrets(IServiceScopeFactory scopes, TimeProvider clock)
{
    public static readonly TimeSpan TimeToLive = TimeSpan.FromSeconds(5);

    private sealed record Entry(string? Secret, long ReadAt);

    private readonly ConcurrentDictionary<string, Entry> _entries = new();

    /// <summary>The merchant's secret, or null when there is no such merchant.</summary>
    public async ValueTask<string?> GetAsync(string merchantId, CancellationToken cancellationToken)
    {
        if (_entries.TryGetValue(merchantId, out var entry) && clock.GetElapsedTime(entry.ReadAt) < TimeToLive) return entry.Secret;

        var readAt = clock.GetTimestamp();
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
        var secret = await db.Merchants.Where(m => m.Id == merchantId).Select(m => m.WebhookSecret).SingleOrDefaultAsync(cancellationToken);
        _entries[merchantId] = new Entry(secret, readAt);
        return secret;
    }

    /// <summary>Drops what is known about the merchant's secret, e.g. right after changing it.</summary>
    public void Forget(string merchantId) => _entries.TryRemove(merchantId, out _);
}
