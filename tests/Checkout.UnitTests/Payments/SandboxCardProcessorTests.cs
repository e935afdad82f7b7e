using Checkout.Core.Common;
using Checkout.Core.Payments.Cards;
using Checkout.Core.Payments.Processors;
using Checkout.Core.Payments.Sandbox;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Checkout.UnitTests.Payments;

public class SandboxCardProcessorTests
{
    private static readonly TimeSpan SettleDelay = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan DisputeDelay = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan RefundDelay = TimeSpan.FromSeconds(20);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 24, 9, 0, 0, TimeSpan.Zero));
    private readonly SandboxCardProcessor _processor;

    public SandboxCardProcessorTests() => _processor = NewProcessor();

    private SandboxCardProcessor NewProcessor() => new(_clock, Options.Create(new SandboxProcessorOptions
    {
        SettleDelay = SettleDelay,
        DisputeDelay = DisputeDelay,
        RefundDelay = RefundDelay,
    }));

    /// <summary>DESIGN.md's test-card table, written out again here so the code is checked against the document, not itself.</summary>
    public static TheoryData<string, string, ProcessorStatus, string?> DesignTable() => new()
    {
        { "4242424242424242", "pm_card_visa", ProcessorStatus.Captured, null },
        { "4000000000000002", "pm_card_declined", ProcessorStatus.Declined, "card_declined" },
        { "4000000000009995", "pm_card_insufficient_funds", ProcessorStatus.Declined, "insufficient_funds" },
        { "4000000000000069", "pm_card_expired", ProcessorStatus.Declined, "expired_card" },
        { "4000000000000127", "pm_card_incorrect_cvc", ProcessorStatus.Declined, "incorrect_cvc" },
        { "4100000000000019", "pm_card_fraudulent", ProcessorStatus.Blocked, "fraudulent" },
        { "4000002760003184", "pm_card_3ds", ProcessorStatus.RequiresAction, null },
        { "4000000000007726", "pm_card_late_success", ProcessorStatus.Pending, null },
        { "4000000000007734", "pm_card_late_failure", ProcessorStatus.Pending, null },
        { "4000000000000259", "pm_card_dispute", ProcessorStatus.Captured, null },
        { "4000000000005126", "pm_card_refund_fails", ProcessorStatus.Captured, null },
    };

    [Fact]
    public void TestCards_ListExactlyTheRowsOfTheDesignTable()
    {
        var design = DesignTable().Select(row => ((string)row[0], (string)row[1])).ToHashSet();
        Assert.Equal(design, TestCards.All.Select(c => (c.Number, c.Token)).ToHashSet());
    }

    [Theory]
    [MemberData(nameof(DesignTable))]
    public async Task ServerSideToken_GivesTheDesignOutcome(string number, string token, ProcessorStatus status, string? declineCode)
    {
        var result = await AuthorizeAsync(token);

        Assert.Equal(status, result.Status);
        Assert.Equal(declineCode, result.DeclineCode);
        if (declineCode is not null) Assert.False(string.IsNullOrWhiteSpace(result.Message));
        Assert.StartsWith("sbx_", result.Reference);
        Assert.DoesNotContain(number, result.Reference);
    }

    [Theory]
    [MemberData(nameof(DesignTable))]
    public async Task TypedCardNumber_BehavesLikeItsToken(string number, string token, ProcessorStatus status, string? declineCode)
    {
        var card = _processor.Tokenize(number);

        Assert.Equal(CardBrand.Visa, card.Brand);
        Assert.Equal(number[^4..], card.Last4);
        Assert.DoesNotContain(number, card.Token);
        Assert.NotEqual(token, card.Token);
        var result = await AuthorizeAsync(card.Token);
        Assert.Equal(status, result.Status);
        Assert.Equal(declineCode, result.DeclineCode);
    }

    [Theory]
    [MemberData(nameof(DesignTable))]
    public void Lookup_GivesBrandAndLast4OfAServerSideToken(string number, string token, ProcessorStatus status, string? declineCode)
    {
        _ = (status, declineCode);
        var card = _processor.Lookup(token);

        Assert.NotNull(card);
        Assert.Equal(token, card.Token);
        Assert.Equal(CardBrand.Visa, card.Brand);
        Assert.Equal(number[^4..], card.Last4);
    }

    [Fact]
    public async Task AnyOtherValidNumber_Succeeds()
    {
        var card = _processor.Tokenize("5555555555554444");

        Assert.Equal(CardBrand.Mastercard, card.Brand);
        Assert.Equal(ProcessorStatus.Captured, (await AuthorizeAsync(card.Token)).Status);
    }

    [Fact]
    public void Lookup_ReturnsNullForAnUnknownToken() => Assert.Null(_processor.Lookup("pm_card_unknown"));

    [Theory]
    [InlineData("pm_card_visa", true)]
    [InlineData("tok_sbx_declined_abc", true)]
    [InlineData("pm_card_nope", false)]
    [InlineData("tok_sbx_nonsense_abc", false)]
    [InlineData("tok_other_visa", false)]
    public void Handles_OnlyCardsItTokenized(string token, bool handles) =>
        Assert.Equal(handles, _processor.Handles(PaymentSource.Card(token, "visa", "4242")));

    [Fact]
    public void Handles_NoWallet() => Assert.False(_processor.Handles(PaymentSource.Wallet("shp_1")));

    [Fact]
    public async Task Authorize_RefusesAnUnknownToken()
    {
        var error = await Assert.ThrowsAsync<DomainException>(() => AuthorizeAsync("pm_card_nope"));
        Assert.Equal("payment_method_invalid", error.Code);
    }

    [Theory]
    [InlineData("pm_card_visa")]
    [InlineData("pm_card_dispute")]
    [InlineData("pm_card_refund_fails")]
    public async Task ManualCapture_HoldsTheFundsInsteadOfCapturing(string token)
    {
        var result = await AuthorizeAsync(token, capture: false);

        Assert.Equal(ProcessorStatus.Authorized, result.Status);
        Assert.Null(result.DisputeOpensAt);
        var captured = await _processor.CaptureAsync(result.Reference, 500, CancellationToken.None);
        Assert.Equal(ProcessorStatus.Captured, captured.Status);
        Assert.Equal(500, captured.AmountCaptured);
        Assert.Equal(ProcessorStatus.Voided, (await _processor.VoidAsync(result.Reference, CancellationToken.None)).Status);
    }

    [Fact]
    public async Task ThreeDSecure_Completed_Captures()
    {
        var challenge = await AuthorizeAsync("pm_card_3ds");

        var result = await _processor.CompleteAuthenticationAsync(challenge.Reference, authenticated: true, CancellationToken.None);

        Assert.Equal(ProcessorStatus.Captured, result.Status);
        Assert.Equal(challenge.Reference, result.Reference);
        Assert.Null(result.DeclineCode);
    }

    [Fact]
    public async Task ThreeDSecure_CompletedUnderManualCapture_Authorizes()
    {
        var challenge = await AuthorizeAsync("pm_card_3ds", capture: false);

        var result = await _processor.CompleteAuthenticationAsync(challenge.Reference, authenticated: true, CancellationToken.None);

        Assert.Equal(ProcessorStatus.Authorized, result.Status);
    }

    [Fact]
    public async Task ThreeDSecure_Failed_DeclinesWithAuthenticationFailed()
    {
        var challenge = await AuthorizeAsync("pm_card_3ds");

        var result = await _processor.CompleteAuthenticationAsync(challenge.Reference, authenticated: false, CancellationToken.None);

        Assert.Equal(ProcessorStatus.Declined, result.Status);
        Assert.Equal("authentication_failed", result.DeclineCode);
        Assert.False(string.IsNullOrWhiteSpace(result.Message));
    }

    [Fact]
    public async Task LateSuccess_StaysPendingUntilTheSettleDelay_ThenCaptures()
    {
        var pending = await AuthorizeAsync("pm_card_late_success");

        _clock.Advance(SettleDelay - TimeSpan.FromMilliseconds(1));
        Assert.Equal(ProcessorStatus.Pending, (await _processor.GetPaymentAsync(pending.Reference, CancellationToken.None)).Status);

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        var settled = await _processor.GetPaymentAsync(pending.Reference, CancellationToken.None);
        Assert.Equal(ProcessorStatus.Captured, settled.Status);
        Assert.Null(settled.DeclineCode);
    }

    [Fact]
    public async Task LateSuccess_UnderManualCapture_SettlesAsAuthorized()
    {
        var pending = await AuthorizeAsync("pm_card_late_success", capture: false);

        _clock.Advance(SettleDelay);

        Assert.Equal(ProcessorStatus.Authorized, (await _processor.GetPaymentAsync(pending.Reference, CancellationToken.None)).Status);
    }

    [Fact]
    public async Task LateFailure_StaysPendingUntilTheSettleDelay_ThenDeclines()
    {
        var pending = await AuthorizeAsync("pm_card_late_failure");

        _clock.Advance(SettleDelay - TimeSpan.FromMilliseconds(1));
        Assert.Equal(ProcessorStatus.Pending, (await _processor.GetPaymentAsync(pending.Reference, CancellationToken.None)).Status);

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        var settled = await _processor.GetPaymentAsync(pending.Reference, CancellationToken.None);
        Assert.Equal(ProcessorStatus.Declined, settled.Status);
        Assert.Equal("card_declined", settled.DeclineCode);
        Assert.False(string.IsNullOrWhiteSpace(settled.Message));
    }

    [Fact]
    public async Task LateAuthorization_IsAnsweredTheSameByAnotherInstance()
    {
        // Stateless: the reference alone carries the answer, so a restart or a second app instance agrees.
        var pending = await AuthorizeAsync("pm_card_late_success");
        _clock.Advance(SettleDelay);

        var elsewhere = await NewProcessor().GetPaymentAsync(pending.Reference, CancellationToken.None);

        Assert.Equal(ProcessorStatus.Captured, elsewhere.Status);
    }

    [Fact]
    public async Task GetPayment_IsOnlyForLateAuthorizations()
    {
        var paid = await AuthorizeAsync("pm_card_visa");

        var error = await Assert.ThrowsAsync<DomainException>(() => _processor.GetPaymentAsync(paid.Reference, CancellationToken.None));
        Assert.Equal("payment_not_pending", error.Code);
    }

    [Theory]
    [InlineData("nonsense")]
    [InlineData("sbx_visa_c_1_x")]
    [InlineData("sbx_succeeds_c_notatime_x")]
    [InlineData("wal_shp_a_ord_b")]
    public async Task MalformedReference_IsRefused(string reference)
    {
        var error = await Assert.ThrowsAsync<DomainException>(() => _processor.GetPaymentAsync(reference, CancellationToken.None));
        Assert.Equal("processor_reference_invalid", error.Code);
    }

    [Fact]
    public async Task DisputeCard_SchedulesADisputeAfterTheDisputeDelay()
    {
        var paid = await AuthorizeAsync("pm_card_dispute");

        Assert.Equal(ProcessorStatus.Captured, paid.Status);
        Assert.Equal(_clock.GetUtcNow() + DisputeDelay, paid.DisputeOpensAt);
    }

    [Fact]
    public async Task DisputeCard_CapturedLater_SchedulesTheDisputeFromTheCapture()
    {
        var held = await AuthorizeAsync("pm_card_dispute", capture: false);
        _clock.Advance(TimeSpan.FromMinutes(10));

        var captured = await _processor.CaptureAsync(held.Reference, 1000, CancellationToken.None);

        Assert.Equal(_clock.GetUtcNow() + DisputeDelay, captured.DisputeOpensAt);
    }

    [Theory]
    [InlineData("pm_card_visa")]
    [InlineData("pm_card_refund_fails")]
    [InlineData("pm_card_late_success")]
    public async Task OtherCards_ScheduleNoDispute(string token)
    {
        var result = await AuthorizeAsync(token);
        if (result.Status == ProcessorStatus.Pending)
        {
            _clock.Advance(SettleDelay);
            result = await _processor.GetPaymentAsync(result.Reference, CancellationToken.None);
        }

        Assert.Equal(ProcessorStatus.Captured, result.Status);
        Assert.Null(result.DisputeOpensAt);
    }

    [Fact]
    public async Task ThreeDSecureCard_SchedulesNoDispute()
    {
        var challenge = await AuthorizeAsync("pm_card_3ds");

        var result = await _processor.CompleteAuthenticationAsync(challenge.Reference, true, CancellationToken.None);

        Assert.Null(result.DisputeOpensAt);
    }

    [Fact]
    public async Task RefundOf5126_IsPendingThenProcessing_ThenFailsAfterTheRefundDelay()
    {
        var paid = await AuthorizeAsync("pm_card_refund_fails");
        var refund = await _processor.RefundAsync(paid.Reference, 500, CancellationToken.None);
        Assert.Equal(RefundProcessorStatus.Pending, refund.Status);

        Assert.Equal(RefundProcessorStatus.Pending, (await RefundStatusAsync(refund.Reference)).Status);
        _clock.Advance(RefundDelay / 2);
        Assert.Equal(RefundProcessorStatus.Processing, (await RefundStatusAsync(refund.Reference)).Status);
        _clock.Advance(RefundDelay / 2 - TimeSpan.FromMilliseconds(1));
        Assert.Equal(RefundProcessorStatus.Processing, (await RefundStatusAsync(refund.Reference)).Status);

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        var settled = await RefundStatusAsync(refund.Reference);
        Assert.Equal(RefundProcessorStatus.Failed, settled.Status);
        Assert.False(string.IsNullOrWhiteSpace(settled.FailureReason));
    }

    [Theory]
    [InlineData("pm_card_visa")]
    [InlineData("pm_card_dispute")]
    [InlineData("pm_card_3ds")]
    [InlineData("pm_card_late_success")]
    public async Task RefundOfAnyOtherCard_SucceedsAfterTheRefundDelay(string token)
    {
        var paid = await AuthorizeAsync(token);
        var refund = await _processor.RefundAsync(paid.Reference, 500, CancellationToken.None);

        _clock.Advance(RefundDelay - TimeSpan.FromMilliseconds(1));
        Assert.Equal(RefundProcessorStatus.Processing, (await RefundStatusAsync(refund.Reference)).Status);

        _clock.Advance(TimeSpan.FromMilliseconds(1));
        var settled = await RefundStatusAsync(refund.Reference);
        Assert.Equal(RefundProcessorStatus.Succeeded, settled.Status);
        Assert.Null(settled.FailureReason);
    }

    [Fact]
    public async Task TokenizedRefundFailsCard_AlsoFailsItsRefund()
    {
        var card = _processor.Tokenize("4000000000005126");
        var paid = await AuthorizeAsync(card.Token);
        var refund = await _processor.RefundAsync(paid.Reference, 500, CancellationToken.None);

        _clock.Advance(RefundDelay);

        Assert.Equal(RefundProcessorStatus.Failed, (await RefundStatusAsync(refund.Reference)).Status);
    }

    private Task<ProcessorResult> AuthorizeAsync(string token, bool capture = true) =>
        _processor.AuthorizeAsync(new PaymentRequest("ord_test", 1999, "EUR", capture, PaymentSource.Card(token, "visa", "4242")), CancellationToken.None);

    private Task<RefundResult> RefundStatusAsync(string reference) => _processor.GetRefundAsync(reference, CancellationToken.None);
}
