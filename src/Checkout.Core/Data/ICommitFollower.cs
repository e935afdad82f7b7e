using System.Data.Common;

namespace Checkout.Core.Data;

/// <summary>
/// An interceptor that holds work until a transaction commits (the outbox's hand-off to the dispatcher). The
/// group-commit writer rolls single units back inside one transaction; EF reports no savepoint names, so it marks
/// where a unit began and tells the follower to forget what the unit added when it is rolled back.
/// </summary>
public interface ICommitFollower
{
    /// <summary>A mark for what <paramref name="transaction"/> owes so far.</summary>
    int Mark(DbTransaction transaction);

    /// <summary>Forgets what <paramref name="transaction"/> came to owe after <paramref name="mark"/>.</summary>
    void RollBackTo(DbTransaction transaction, int mark);
}
