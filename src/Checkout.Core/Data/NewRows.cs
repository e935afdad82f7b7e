namespace Checkout.Core.Data;

/// <summary>
/// The new rows one request writes, committed through <see cref="GroupCommit"/> with other requests' rows.
/// Something that must commit in the same transaction (the Idempotency-Key filter and its stored response)
/// holds them first and commits them together with its own row.
/// </summary>
public sealed class NewRows(GroupCommit groupCommit)
{
    private List<object> _rows = [];
    private bool _held;

    public void Add(object row) => _rows.Add(row);

    /// <summary>Commits the rows added so far; while they are held, leaves them to the holder.</summary>
    public Task SaveAsync()
    {
        if (_held || _rows.Count == 0) return Task.CompletedTask;
        var rows = _rows;
        _rows = [];
        return groupCommit.SaveAsync(rows);
    }

    /// <summary>From now on <see cref="SaveAsync"/> commits nothing; the holder takes the rows with <see cref="Release"/>.</summary>
    public void Hold() => _held = true;

    /// <summary>The rows added while held, for the holder to commit; later rows are saved normally again.</summary>
    public List<object> Release()
    {
        var rows = _rows;
        _rows = [];
        _held = false;
        return rows;
    }
}
