using System.ComponentModel.DataAnnotations;
using Checkout.Core.Common;

namespace Checkout.Core.Callbacks;

public enum CallbackDeliveryStatus
{
    Pending,
    Succeeded,
    Failed,
}

/// <summary>One event on its way to one callback URL, retried on a schedule until it is answered with 2xx or gives up.</summary>
public class CallbackDelivery
{
    private CallbackDelivery() { }

    public string Id { get; private set; } = null!;
    public string EventId { get; private set; } = null!;
    public string MerchantId { get; private set; } = null!;
    public string Url { get; private set; } = null!;
    public CallbackDeliveryStatus Status { get; private set; }
    public int AttemptCount { get; private set; }
    public DateTimeOffset NextAttemptAt { get; private set; }
    /// <summary>
    /// While set in the future, one dispatcher owns the delivery; a crashed owner's lease simply runs out.
    /// A concurrency token: an owner whose lease was retaken cannot overwrite the new owner's result.
    /// </summary>
    [ConcurrencyCheck]
    public DateTimeOffset? LeasedUntil { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? CompletedAt { get; private set; }
    public List<CallbackAttempt> Attempts { get; private set; } = [];

    public static CallbackDelivery Create(CallbackEvent callbackEvent, string url, DateTimeOffset now) => new()
    {
        Id = Ids.NewTimeOrdered("dlv", now),
        EventId = callbackEvent.Id,
        MerchantId = callbackEvent.MerchantId,
        Url = url,
        Status = CallbackDeliveryStatus.Pending,
        NextAttemptAt = now,
        CreatedAt = now,
    };

    /// <summary>
    /// Takes the delivery for one dispatcher until <paramref name="until"/>, e.g. at birth for the
    /// process that commits it, so no other instance polls it while that process sends it.
    /// </summary>
    public void Lease(DateTimeOffset until)
    {
        if (Status != CallbackDeliveryStatus.Pending)
            throw new DomainException("delivery_not_pending", "Only pending deliveries can be leased.");
        LeasedUntil = until;
    }

    /// <summary>Hands the delivery back unsent, so any dispatcher may take it at once.</summary>
    public void ReleaseLease() => LeasedUntil = null;

    /// <summary>Records one attempt and decides what comes next from the retry schedule.</summary>
    public CallbackAttempt RecordAttempt(DateTimeOffset startedAt, TimeSpan duration, int? statusCode, string? error, IReadOnlyList<TimeSpan> retrySchedule)
    {
        if (Status != CallbackDeliveryStatus.Pending)
            throw new DomainException("delivery_not_pending", "Only pending deliveries can be attempted.");

        AttemptCount++;
        var succeeded = error is null && statusCode is >= 200 and < 300;
        var attempt = new CallbackAttempt(Id, AttemptCount, startedAt, (int)duration.TotalMilliseconds, statusCode, error);
        Attempts.Add(attempt);
        LeasedUntil = null;
        var finishedAt = startedAt + duration;

        if (succeeded)
        {
            Status = CallbackDeliveryStatus.Succeeded;
            CompletedAt = finishedAt;
        }
        else if (AttemptCount > retrySchedule.Count)
        {
            Status = CallbackDeliveryStatus.Failed;
            CompletedAt = finishedAt;
        }
        else
        {
            NextAttemptAt = finishedAt + retrySchedule[AttemptCount - 1];
        }
        return attempt;
    }

    /// <summary>Sends a failed delivery again from the start of the schedule.</summary>
    public void Redeliver(DateTimeOffset now)
    {
        if (Status == CallbackDeliveryStatus.Pending)
            throw new DomainException("delivery_pending", "The delivery is still being attempted.");
        Status = CallbackDeliveryStatus.Pending;
        AttemptCount = 0;
        NextAttemptAt = now;
        CompletedAt = null;
    }
}
