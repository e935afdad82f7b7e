using System.Threading.Channels;

namespace Checkout.Core.Callbacks;

/// <summary>
/// A delivery this instance holds the lease on, with everything needed to POST it once: sending it
/// takes no database read. <paramref name="LeasedUntil"/> is the value stored in the row, the proof of
/// ownership when the attempt is recorded.
/// </summary>
public sealed record LeasedCallback(
    string DeliveryId, string Url, string EventId, string Body, string MerchantId, int AttemptNumber, DateTimeOffset LeasedUntil);

/// <summary>
/// Freshly committed deliveries, passed in memory from the commit to this instance's dispatcher.
/// They were leased at birth (in the same transaction that wrote them), so no other instance polls
/// them meanwhile; if this process dies first, the lease runs out and any instance's poll takes them.
/// Deliveries are only leased at birth while the dispatcher runs and the queue is not too long.
/// </summary>
public sealed class CallbackHandOff
{
    /// <summary>
    /// Beyond this many queued deliveries new ones are left to the poll instead: memory stays bounded
    /// and a queue that long would wait a good part of its lease anyway.
    /// </summary>
    public const int Capacity = 4096;

    private readonly Channel<LeasedCallback> _queue = Channel.CreateUnbounded<LeasedCallback>(
        new UnboundedChannelOptions { SingleReader = true });
    private volatile bool _open;
    private int _count;

    /// <summary>True while a dispatcher takes deliveries from here and has room for more.</summary>
    public bool IsAccepting => _open && Count < Capacity;

    /// <summary>Deliveries committed and waiting to be sent.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Called after the commit that made the deliveries durable.</summary>
    public void Enqueue(IEnumerable<LeasedCallback> callbacks)
    {
        // Unbounded: the lease is already in the row, so refusing one here would strand it until the lease runs out.
        foreach (var callback in callbacks)
        {
            Interlocked.Increment(ref _count);
            _queue.Writer.TryWrite(callback);
        }
    }

    /// <summary>The dispatcher starts taking deliveries.</summary>
    public void Open() => _open = true;

    /// <summary>The dispatcher stops: commits from now on leave their deliveries to the poll.</summary>
    public void Close() => _open = false;

    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken) => _queue.Reader.WaitToReadAsync(cancellationToken);

    public bool TryTake(out LeasedCallback callback)
    {
        if (!_queue.Reader.TryRead(out callback!)) return false;
        Interlocked.Decrement(ref _count);
        return true;
    }
}
