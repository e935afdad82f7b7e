using Checkout.Core.Callbacks;
using Checkout.Core.Common;

namespace Checkout.UnitTests.Callbacks;

public class CallbackDeliveryTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Took = TimeSpan.FromMilliseconds(120);
    private static readonly TimeSpan[] Schedule = [TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5)];

    private static CallbackDelivery NewDelivery()
    {
        var callbackEvent = CallbackEvent.Create("demo_merchant", "order.succeeded", new { id = "ord_1" }, Now);
        return CallbackDelivery.Create(callbackEvent, "https://shop.example/callbacks", Now);
    }

    [Fact]
    public void NewDelivery_IsPendingAndDueAtOnce()
    {
        var delivery = NewDelivery();

        Assert.Equal(CallbackDeliveryStatus.Pending, delivery.Status);
        Assert.Equal(Now, delivery.NextAttemptAt);
        Assert.Equal(0, delivery.AttemptCount);
    }

    [Theory]
    [InlineData(200)]
    [InlineData(204)]
    [InlineData(299)]
    public void Delivery_Succeeds_WhenTheReceiverAnswers2xx(int status)
    {
        var delivery = NewDelivery();

        var attempt = delivery.RecordAttempt(Now, Took, status, null, Schedule);

        Assert.Equal(CallbackDeliveryStatus.Succeeded, delivery.Status);
        Assert.Equal(Now + Took, delivery.CompletedAt);
        Assert.Equal(1, attempt.Number);
        Assert.Equal(status, attempt.StatusCode);
        Assert.Equal(120, attempt.DurationMs);
        Assert.Single(delivery.Attempts);
    }

    [Theory]
    [InlineData(500, null)]
    [InlineData(302, null)]
    [InlineData(404, null)]
    [InlineData(null, "Connection refused")]
    public void Delivery_IsRescheduledByTheFirstRetry_WhenAnAttemptFails(int? status, string? error)
    {
        var delivery = NewDelivery();

        delivery.RecordAttempt(Now, Took, status, error, Schedule);

        Assert.Equal(CallbackDeliveryStatus.Pending, delivery.Status);
        Assert.Equal(Now + Took + Schedule[0], delivery.NextAttemptAt);
        Assert.Null(delivery.CompletedAt);
    }

    [Fact]
    public void Delivery_WaitsLongerAfterEachFailure_FollowingTheSchedule()
    {
        var delivery = NewDelivery();
        delivery.RecordAttempt(Now, Took, 500, null, Schedule);
        var second = delivery.NextAttemptAt;

        delivery.RecordAttempt(second, Took, 503, null, Schedule);

        Assert.Equal(CallbackDeliveryStatus.Pending, delivery.Status);
        Assert.Equal(second + Took + Schedule[1], delivery.NextAttemptAt);
        Assert.Equal(2, delivery.AttemptCount);
    }

    [Fact]
    public void Delivery_Fails_AfterTheLastRetry()
    {
        var delivery = NewDelivery();
        delivery.RecordAttempt(Now, Took, 500, null, Schedule);
        delivery.RecordAttempt(Now.AddMinutes(1), Took, 500, null, Schedule);

        delivery.RecordAttempt(Now.AddMinutes(6), Took, null, "Timed out", Schedule);

        Assert.Equal(CallbackDeliveryStatus.Failed, delivery.Status);
        Assert.Equal(3, delivery.AttemptCount);
        Assert.Equal(Now.AddMinutes(6) + Took, delivery.CompletedAt);
        Assert.Equal([1, 2, 3], delivery.Attempts.Select(a => a.Number));
    }

    [Fact]
    public void FinishedDelivery_RefusesAnotherAttempt()
    {
        var delivery = NewDelivery();
        delivery.RecordAttempt(Now, Took, 200, null, Schedule);

        var error = Assert.Throws<DomainException>(() => delivery.RecordAttempt(Now, Took, 200, null, Schedule));

        Assert.Equal("delivery_not_pending", error.Code);
    }

    [Fact]
    public void Redeliver_RestartsAFailedDeliveryFromTheStartOfTheSchedule()
    {
        var delivery = NewDelivery();
        delivery.RecordAttempt(Now, Took, 500, null, []);
        var later = Now.AddDays(4);

        delivery.Redeliver(later);

        Assert.Equal(CallbackDeliveryStatus.Pending, delivery.Status);
        Assert.Equal(later, delivery.NextAttemptAt);
        Assert.Equal(0, delivery.AttemptCount);
        Assert.Null(delivery.CompletedAt);
    }

    [Fact]
    public void Redeliver_IsRefused_WhileTheDeliveryIsStillPending()
    {
        var delivery = NewDelivery();

        var error = Assert.Throws<DomainException>(() => delivery.Redeliver(Now));

        Assert.Equal("delivery_pending", error.Code);
    }

    [Fact]
    public void Attempt_CutsAnOverlongErrorToTheColumnLength()
    {
        var attempt = new CallbackAttempt("dlv_1", 1, Now, 10, null, new string('x', 5000));

        Assert.Equal(CallbackAttempt.MaxErrorLength, attempt.Error!.Length);
        Assert.EndsWith("…", attempt.Error);
    }
}
