namespace Checkout.Core.Data;

/// <summary>
/// One request's read-modify-write, run by the <see cref="GroupCommit"/> writer inside its open transaction under
/// a savepoint of its own (see <see cref="GroupCommit.RunAsync{T}"/>). The work may end it without keeping
/// anything it wrote, and still answer.
/// </summary>
public sealed class WriteUnit
{
    private readonly Action<object> _insert;

    internal WriteUnit(Action<object> insert) => _insert = insert;

    /// <summary>Everything this unit wrote is rolled back when it ends; its result is still returned.</summary>
    public void Discard() => Discarded = true;

    internal bool Discarded { get; private set; }

    /// <summary>
    /// Inserts one new row at once, the way group commit writes new orders: through the writer's prepared INSERT,
    /// untracked, so the writer spends no change detection or save on a row that is only ever written. It saves
    /// nothing else the unit's context tracks. Throws a <see cref="Microsoft.EntityFrameworkCore.DbUpdateException"/>
    /// when the row cannot be inserted (its key is taken); the unit's other writes stand until it is discarded.
    /// </summary>
    public void Insert(object row) => _insert(row);
}
