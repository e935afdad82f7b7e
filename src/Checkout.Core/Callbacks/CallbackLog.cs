using Microsoft.Extensions.Logging;

namespace Checkout.Core.Callbacks;

/// <summary>
/// The dispatcher's log lines. Generated, so a line below the configured level costs a level check
/// and nothing else: at a thousand callbacks a second the per-delivery lines add up.
/// </summary>
internal static partial class CallbackLog
{
    // Debug: one line per delivered callback is routine traffic; the attempts are in the database.
    [LoggerMessage(Level = LogLevel.Debug, Message = "Callback {EventId} delivered to {Url} on attempt {Attempt} (HTTP {StatusCode}).")]
    public static partial void Delivered(ILogger logger, string eventId, string url, int attempt, int? statusCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Callback {EventId} to {Url} failed for good after attempt {Attempt} ({Answer}); it can be redelivered by hand.")]
    public static partial void FailedForGood(ILogger logger, string eventId, string url, int attempt, string answer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Callback {EventId} to {Url} attempt {Attempt} failed ({Answer}); retrying at {NextAttemptAt:O}.")]
    public static partial void WillRetry(ILogger logger, string eventId, string url, int attempt, string answer, DateTimeOffset nextAttemptAt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Callback delivery {DeliveryId} was taken over by another dispatcher; its result is not recorded here.")]
    public static partial void LeaseLost(ILogger logger, string deliveryId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Callback delivery {DeliveryId} waited too long to be sent; it is left to be retaken when its lease runs out.")]
    public static partial void LeaseTooShortToSend(ILogger logger, string deliveryId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Leased {Count} due callback deliveries, but another instance wrote the same lease expiry; they are left to be retaken when the lease runs out.")]
    public static partial void LeaseExpiryShared(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Callback delivery {DeliveryId} cannot be signed: merchant {MerchantId} is unknown; it is retried when its lease runs out.")]
    public static partial void UnknownMerchant(ILogger logger, string deliveryId, string merchantId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Callback delivery {DeliveryId} cannot be signed: the webhook secret could not be read; it is retried when its lease runs out.")]
    public static partial void SecretUnavailable(ILogger logger, Exception exception, string deliveryId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Recording {Count} callback results waits: the database is busy; trying again shortly.")]
    public static partial void RecordingDelayed(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Recording {Count} callback results failed; their leases run out and they are tried again.")]
    public static partial void RecordingFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Polling for due callbacks failed; trying again after the poll interval.")]
    public static partial void PollFailed(ILogger logger, Exception exception);
}
