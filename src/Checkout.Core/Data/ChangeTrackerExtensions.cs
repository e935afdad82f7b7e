using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Checkout.Core.Data;

internal static class ChangeTrackerExtensions
{
    /// <summary>
    /// The tracked entries of <typeparamref name="T"/> as they stand, without first scanning every tracked entity for
    /// changes as <see cref="ChangeTracker.Entries{TEntity}"/> does: for lookups that need the entities, not their
    /// states (a save scans once anyway, and the outbox would otherwise have it scan three more times).
    /// </summary>
    public static List<EntityEntry<T>> TrackedEntries<T>(this ChangeTracker tracker) where T : class
    {
        var detect = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        try
        {
            return tracker.Entries<T>().ToList();
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = detect;
        }
    }
}
