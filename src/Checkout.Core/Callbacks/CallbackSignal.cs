using System.Threading.Channels;

namespace Checkout.Core.Callbacks;

/// <summary>
/// Wakes the dispatcher as soon as a delivery is committed. Signals coalesce: many commits while the
/// dispatcher is busy make one wake-up, and the dispatcher then takes everything due.
/// </summary>
public sealed class CallbackSignal
{
    private readonly Channel<bool> _wakeUps = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Notify() => _wakeUps.Writer.TryWrite(true);

    /// <summary>
    /// True when notified (now or since the last wait); false once <paramref name="timeout"/> passes on <paramref name="clock"/>.
    /// </summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (_wakeUps.Reader.TryRead(out _)) return true;
        if (timeout <= TimeSpan.Zero) return false;
        using var timer = new CancellationTokenSource(timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            await _wakeUps.Reader.WaitToReadAsync(linked.Token);
            return _wakeUps.Reader.TryRead(out _);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false; // the timeout: time to poll
        }
    }
}
