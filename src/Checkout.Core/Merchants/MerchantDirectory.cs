using System.Collections.Concurrent;
using Checkout.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.Core.Merchants;

/// <summary>
/// Merchants as the API and the callback signer need them, read from the database at most once per
/// <see cref="TimeToLive"/> per merchant instead of on every order and every callback. Nothing changes a
/// merchant once created today; should something (another instance, an operator), this process sees it
/// within <see cref="TimeToLive"/>, and <see cref="Forget"/> makes it immediate here.
/// </summary>
public sealed class MerchantDirectory(IServiceScopeFactory scopes, TimeProvider clock)
{
    public static readonly TimeSpan TimeToLive = TimeSpan.FromSeconds(5);

    private sealed record Entry(Merchant? Merchant, long ReadAt);

    private readonly ConcurrentDictionary<string, Entry> _entries = new();

    // Outside a transaction, so it runs as a prepared statement (PreparedReads).
    private static readonly Func<CheckoutDbContext, string, Task<Merchant?>> ById =
        EF.CompileAsyncQuery((CheckoutDbContext db, string id) => db.Merchants.TagWith(PreparedReads.Tag).AsNoTracking().FirstOrDefault(m => m.Id == id));

    /// <summary>The merchant, or null when there is no such merchant. The instance is shared: treat it as read-only.</summary>
    public async ValueTask<Merchant?> FindAsync(string merchantId)
    {
        if (_entries.TryGetValue(merchantId, out var entry) && clock.GetElapsedTime(entry.ReadAt) < TimeToLive) return entry.Merchant;

        var readAt = clock.GetTimestamp();
        await using var scope = scopes.CreateAsyncScope();
        using var read = PreparedReads.WithoutOwnConnection();
        var merchant = await ById(scope.ServiceProvider.GetRequiredService<CheckoutDbContext>(), merchantId);
        _entries[merchantId] = new Entry(merchant, readAt);
        return merchant;
    }

    /// <summary>Drops what is known about the merchant, e.g. right after changing it.</summary>
    public void Forget(string merchantId) => _entries.TryRemove(merchantId, out _);
}
