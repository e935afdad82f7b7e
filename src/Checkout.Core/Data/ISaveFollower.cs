using Microsoft.EntityFrameworkCore;

namespace Checkout.Core.Data;

/// <summary>
/// A save interceptor that also follows the saves the group-commit writer makes without EF's update pipeline
/// (<see cref="PreparedSave"/>): the same three moments EF reports to a SaveChangesInterceptor. A context whose
/// save interceptors are not all followers is always saved by EF.
/// </summary>
public interface ISaveFollower
{
    /// <summary>
    /// Before the changes are detected and written (EF's SavingChanges). <paramref name="newRows"/> are written with
    /// them without ever being tracked (the outbox's events and deliveries).
    /// </summary>
    void Saving(DbContext context, IReadOnlyList<object> newRows);

    /// <summary>After they were written (EF's SavedChanges).</summary>
    void Saved(DbContext context);

    /// <summary>The save failed and wrote nothing (EF's SaveChangesFailed).</summary>
    void SaveFailed(DbContext context);
}
