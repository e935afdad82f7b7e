namespace Checkout.Core.Data;

/// <summary>
/// One request's read-modify-write, run by the <see cref="GroupCommit"/> writer inside its open transaction under
/// a savepoint of its own (see <see cref="GroupCommit.RunAsync{T}"/>). The work may end it without keeping
/// anything it wrote, and still answer.
/// </summary>
public sealed class WriteUnit
{
    internal WriteUnit() { }

    /// <summary>Everything this unit wrote is rolled back when it ends; its result is still returned.</summary>
    public void Discard() => Discarded = true;

    internal bool Discarded { get; private set; }
}
