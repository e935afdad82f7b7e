using System.Threading.Channels;
using Checkout.Core.Data;
using Checkout.Core.Merchants;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Checkout.Core.Callbacks;

/// <summary>
/// Delivers the outbox. Fresh deliveries arrive in memory from the commit that wrote them, already
/// leased to this instance, and are sent without touching the database. A poll takes the rest —
/// retries, deliveries written while the hand-off was closed or full, and those an instance held
/// when it crashed — leasing them in batches, so several instances and restarts never lose or
/// double-own one. At most MaxConcurrency sends run at once; their results are recorded many to a
/// transaction.
/// </summary>
public sealed class CallbackDispatcher(
    IServiceScopeFactory scopes,
    CallbackSender sender,
    CallbackSignal signal,
    CallbackHandOff handOff,
    MerchantDirectory merchants,
    TimeProvider clock,
    IOptions<CallbackOptions> options,
    ILogger<CallbackDispatcher> logger) : BackgroundService
{
    /// <summary>Results recorded in one transaction at most; under load a batch fills while the previous one commits.</summary>
    public const int MaxRecordBatch = 256;

    /// <summary>How long shutdown waits to record the last results and hand back unsent leases.</summary>
    private static readonly TimeSpan ShutdownRecordingGrace = TimeSpan.FromSeconds(5);

    private readonly CallbackOptions _options = options.Value;
    private readonly SemaphoreSlim _slots = new(options.Value.MaxConcurrency, options.Value.MaxConcurrency);
    private readonly Channel<CallbackResult> _results = Channel.CreateUnbounded<CallbackResult>(new UnboundedChannelOptions { SingleReader = true });
    // Set when the last poll found a full batch, or found no free slot: more may be due, so a finished send wakes it.
    private volatile bool _pollWantsSlots;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        using var recordingStop = new CancellationTokenSource();
        var recording = RecordResultsAsync(recordingStop.Token);
        handOff.Open();
        try
        {
            await Task.WhenAll(SendHandedOffAsync(stoppingToken), PollAsync(stoppingToken));
        }
        finally
        {
            handOff.Close();
            // In-flight sends see the stopping token and end at once; every slot back means every result is queued.
            for (var i = 0; i < _options.MaxConcurrency; i++) await _slots.WaitAsync(CancellationToken.None);
            // Leased here but never sent: hand them back, so the next start or another instance sends them at once.
            while (handOff.TryTake(out var unsent)) _results.Writer.TryWrite(CallbackResult.Unsent(unsent));
            _results.Writer.TryComplete();
            using var grace = new CancellationTokenSource(ShutdownRecordingGrace, clock);
            await using (grace.Token.Register(recordingStop.Cancel))
                await recording;
        }
    }

    private async Task SendHandedOffAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await handOff.WaitToReadAsync(stoppingToken))
            {
                while (handOff.TryTake(out var callback))
                    await StartSendingAsync([callback], stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: what is still queued is handed back.
        }
    }

    private async Task PollAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                TimeSpan wait;
                try
                {
                    if (_slots.CurrentCount == 0)
                    {
                        // Every slot busy: look once one frees up.
                        _pollWantsSlots = true;
                        wait = _options.PollInterval;
                    }
                    else
                    {
                        // A full batch even when only some slots are free: the rest wait briefly for a slot, and a
                        // backlog (a restart, retries after an outage) costs one lease per MaxConcurrency sends.
                        var leased = await LeaseDueAsync(_options.MaxConcurrency, stoppingToken);
                        _pollWantsSlots = leased.Count == _options.MaxConcurrency;
                        await StartSendingAsync(leased, stoppingToken);
                        wait = _pollWantsSlots ? _options.PollInterval : await TimeUntilNextDueAsync(stoppingToken);
                    }
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    CallbackLog.PollFailed(logger, ex);
                    wait = _options.PollInterval;
                }
                await signal.WaitAsync(wait, clock, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task<List<LeasedCallback>> LeaseDueAsync(int count, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
        return await CallbackLeases.LeaseDueAsync(db, count, clock.GetUtcNow(), _options.LeaseDuration, logger, cancellationToken);
    }

    private async Task<TimeSpan> TimeUntilNextDueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CheckoutDbContext>();
        return await CallbackLeases.TimeUntilNextDueAsync(db, clock.GetUtcNow(), _options.PollInterval, cancellationToken);
    }

    /// <summary>
    /// Starts a send for each delivery as a slot frees up. Whatever is left when shutdown interrupts
    /// the wait is handed back; a delivery that cannot be sent is handed back or left to its lease.
    /// </summary>
    private async Task StartSendingAsync(IReadOnlyList<LeasedCallback> callbacks, CancellationToken stoppingToken)
    {
        for (var i = 0; i < callbacks.Count; i++)
        {
            var callback = callbacks[i];
            try
            {
                await _slots.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                foreach (var unsent in callbacks.Skip(i)) _results.Writer.TryWrite(CallbackResult.Unsent(unsent));
                throw;
            }

            var sending = false;
            try
            {
                // The whole send must fit in the lease, or a second instance could take it mid-send.
                if (clock.GetUtcNow() + _options.Timeout >= callback.LeasedUntil)
                {
                    CallbackLog.LeaseTooShortToSend(logger, callback.DeliveryId);
                    _results.Writer.TryWrite(CallbackResult.Unsent(callback));
                    continue;
                }
                var secret = (await merchants.FindAsync(callback.MerchantId))?.WebhookSecret;
                if (secret is null)
                {
                    CallbackLog.UnknownMerchant(logger, callback.DeliveryId, callback.MerchantId);
                    continue;
                }
                _ = SendAsync(callback, secret, stoppingToken);
                sending = true;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The secret could not be read: the lease runs out and the delivery is polled again.
                CallbackLog.SecretUnavailable(logger, ex, callback.DeliveryId);
            }
            catch (OperationCanceledException)
            {
                _results.Writer.TryWrite(CallbackResult.Unsent(callback));
                foreach (var unsent in callbacks.Skip(i + 1)) _results.Writer.TryWrite(CallbackResult.Unsent(unsent));
                throw;
            }
            finally
            {
                if (!sending) _slots.Release();
            }
        }
    }

    /// <summary>Sends once and queues the result; the slot is given back only after, so shutdown can count on it.</summary>
    private async Task SendAsync(LeasedCallback callback, string secret, CancellationToken stoppingToken)
    {
        try
        {
            var request = new CallbackRequest(callback.DeliveryId, callback.Url, callback.EventId, callback.Body, secret, callback.AttemptNumber);
            var outcome = await sender.SendAsync(request, stoppingToken);
            // The POST happened: it is recorded even if shutdown began meanwhile.
            _results.Writer.TryWrite(CallbackResult.Sent(callback, outcome));
        }
        catch (Exception)
        {
            // Stopped mid-send (the sender reports every other failure as an outcome): not an attempt, hand it back.
            _results.Writer.TryWrite(CallbackResult.Unsent(callback));
        }
        finally
        {
            _slots.Release();
            if (_pollWantsSlots) signal.Notify();
        }
    }

    /// <summary>Records results many to a transaction until the dispatcher stops and the last ones are in.</summary>
    private async Task RecordResultsAsync(CancellationToken cancellationToken)
    {
        var recorder = new CallbackAttemptRecorder(_options.EffectiveRetrySchedule, logger);
        var batch = new List<CallbackResult>(MaxRecordBatch);
        try
        {
            while (await _results.Reader.WaitToReadAsync(cancellationToken))
            {
                batch.Clear();
                while (batch.Count < MaxRecordBatch && _results.Reader.TryRead(out var result)) batch.Add(result);
                // Pending after recording: a retry or a handed-back lease changed when the poll should look next.
                if (await recorder.RecordWhileBusyAsync(scopes, batch, clock, cancellationToken) > 0) signal.Notify();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutdown's grace is over: what is not recorded is retaken when its lease runs out.
        }
    }
}
