using System.Globalization;
using Checkout.Core.Common;
using Checkout.Core.Payments.Cards;
using Checkout.Core.Payments.Processors;
using Microsoft.Extensions.Options;

namespace Checkout.Core.Payments.Sandbox;

/// <summary>
/// A simulated card acquirer implementing the test-card table. It keeps no state of its own: each
/// token and reference carries the card's behaviour and the time it was made, so answers are the
/// same after a restart and on every instance ("sbx_3ds_c_1700000000000_x3k…").
/// </summary>
public sealed class SandboxCardProcessor(TimeProvider clock, IOptions<SandboxProcessorOptions> options) : IPaymentProcessor, ICardTokenizer
{
    public const string ProcessorName = "sandbox";
    private const string TokenPrefix = "tok_sbx_";

    public string Name => ProcessorName;

    public bool Handles(PaymentSource source) =>
        source.Type == PaymentSource.CardType && source.CardToken is { } token && BehaviorOfToken(token) is not null;

    public CardToken? Lookup(string token) =>
        TestCards.FindByToken(token) is { } card ? new CardToken(card.Token, CardChecks.DetectBrand(card.Number), card.Number[^4..]) : null;

    public CardToken Tokenize(string digits)
    {
        var behavior = TestCards.BehaviorOfNumber(digits);
        return new CardToken(TokenPrefix + Code(behavior) + "_" + Ids.New("x")[2..], CardChecks.DetectBrand(digits), digits[^4..]);
    }

    public Task<ProcessorResult> AuthorizeAsync(PaymentRequest request, CancellationToken cancellationToken)
    {
        var behavior = BehaviorOfToken(request.Source.CardToken!) ?? throw new DomainException("payment_method_invalid", "Unknown card token.");
        var reference = NewReference("sbx", behavior, request.Capture);
        var card = TestCards.Of(behavior);
        return Task.FromResult(behavior switch
        {
            TestCardBehavior.Declined or TestCardBehavior.InsufficientFunds or TestCardBehavior.ExpiredCard or TestCardBehavior.IncorrectCvc =>
                new ProcessorResult(ProcessorStatus.Declined, reference, DeclineCode: card.DeclineCode, Message: DeclineMessages.For(card.DeclineCode)),
            TestCardBehavior.Fraudulent => new ProcessorResult(ProcessorStatus.Blocked, reference, DeclineCode: "fraudulent", Message: DeclineMessages.For("fraudulent")),
            TestCardBehavior.ThreeDSecure => new ProcessorResult(ProcessorStatus.RequiresAction, reference),
            TestCardBehavior.LateSuccess or TestCardBehavior.LateFailure => new ProcessorResult(ProcessorStatus.Pending, reference),
            _ => Approved(reference, request.Capture, request.Amount, behavior),
        });
    }

    public Task<ProcessorResult> CompleteAuthenticationAsync(string reference, bool authenticated, CancellationToken cancellationToken)
    {
        var (_, capture, _) = Parse(reference);
        return Task.FromResult(authenticated
            ? Approved(reference, capture, amount: null, TestCardBehavior.ThreeDSecure)
            : new ProcessorResult(ProcessorStatus.Declined, reference, DeclineCode: "authentication_failed", Message: DeclineMessages.For("authentication_failed")));
    }

    public Task<ProcessorResult> CaptureAsync(string reference, long amount, CancellationToken cancellationToken) =>
        Task.FromResult(new ProcessorResult(ProcessorStatus.Captured, reference, amount, DisputeOpensAt: DisputeFor(Parse(reference).Behavior)));

    public Task<ProcessorResult> VoidAsync(string reference, CancellationToken cancellationToken) =>
        Task.FromResult(new ProcessorResult(ProcessorStatus.Voided, reference));

    public Task<ProcessorResult> GetPaymentAsync(string reference, CancellationToken cancellationToken)
    {
        var (behavior, capture, madeAt) = Parse(reference);
        if (behavior is not (TestCardBehavior.LateSuccess or TestCardBehavior.LateFailure))
            throw new DomainException("payment_not_pending", "Only late authorizations are looked up.");
        if (clock.GetUtcNow() < madeAt + options.Value.SettleDelay)
            return Task.FromResult(new ProcessorResult(ProcessorStatus.Pending, reference));
        return Task.FromResult(behavior == TestCardBehavior.LateSuccess
            ? Approved(reference, capture, amount: null, behavior)
            : new ProcessorResult(ProcessorStatus.Declined, reference, DeclineCode: "card_declined", Message: DeclineMessages.For("card_declined")));
    }

    public Task<RefundResult> RefundAsync(string paymentReference, long amount, CancellationToken cancellationToken)
    {
        var (behavior, _, _) = Parse(paymentReference);
        return Task.FromResult(new RefundResult(RefundProcessorStatus.Pending, NewReference("sbxre", behavior, capture: true)));
    }

    public Task<RefundResult> GetRefundAsync(string refundReference, CancellationToken cancellationToken)
    {
        var (behavior, _, madeAt) = Parse(refundReference);
        var elapsed = clock.GetUtcNow() - madeAt;
        var delay = options.Value.RefundDelay;
        if (elapsed < delay / 2) return Task.FromResult(new RefundResult(RefundProcessorStatus.Pending, refundReference));
        if (elapsed < delay) return Task.FromResult(new RefundResult(RefundProcessorStatus.Processing, refundReference));
        return Task.FromResult(behavior == TestCardBehavior.RefundFails
            ? new RefundResult(RefundProcessorStatus.Failed, refundReference, "The card issuer refused the refund (test card 5126).")
            : new RefundResult(RefundProcessorStatus.Succeeded, refundReference));
    }

    /// <summary>The behaviour a token stands for: a server-side pm_card_* token or one made by <see cref="Tokenize"/>.</summary>
    public static TestCardBehavior? BehaviorOfToken(string token)
    {
        if (TestCards.FindByToken(token) is { } card) return card.Behavior;
        if (!token.StartsWith(TokenPrefix, StringComparison.Ordinal)) return null;
        var code = token[TokenPrefix.Length..].Split('_')[0];
        return Enum.TryParse<TestCardBehavior>(code, ignoreCase: true, out var behavior) ? behavior : null;
    }

    private ProcessorResult Approved(string reference, bool capture, long? amount, TestCardBehavior behavior) =>
        capture
            ? new ProcessorResult(ProcessorStatus.Captured, reference, amount, DisputeOpensAt: DisputeFor(behavior))
            : new ProcessorResult(ProcessorStatus.Authorized, reference);

    private DateTimeOffset? DisputeFor(TestCardBehavior behavior) =>
        behavior == TestCardBehavior.Dispute ? clock.GetUtcNow() + options.Value.DisputeDelay : null;

    private string NewReference(string prefix, TestCardBehavior behavior, bool capture) =>
        string.Join('_', prefix, Code(behavior), capture ? "c" : "m",
            clock.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), Ids.New("x")[2..]);

    private static (TestCardBehavior Behavior, bool Capture, DateTimeOffset MadeAt) Parse(string reference)
    {
        var parts = reference.Split('_');
        if (parts.Length != 5 || !Enum.TryParse<TestCardBehavior>(parts[1], ignoreCase: true, out var behavior)
            || !long.TryParse(parts[3], CultureInfo.InvariantCulture, out var ms))
            throw new DomainException("processor_reference_invalid", $"'{reference}' is not a sandbox reference.");
        return (behavior, parts[2] == "c", DateTimeOffset.FromUnixTimeMilliseconds(ms));
    }

    private static string Code(TestCardBehavior behavior) => behavior.ToString().ToLowerInvariant();
}

/// <summary>A card as the processor keeps it: the token to charge, and what may be shown (brand, last 4).</summary>
public sealed record CardToken(string Token, CardBrand Brand, string Last4);

/// <summary>Turns a card number into a processor token; the number itself is never stored by Checkout.</summary>
public interface ICardTokenizer
{
    CardToken Tokenize(string digits);

    /// <summary>Brand and last 4 of a token a merchant's server sends (pm_card_visa…), or null if unknown.</summary>
    CardToken? Lookup(string token);
}
