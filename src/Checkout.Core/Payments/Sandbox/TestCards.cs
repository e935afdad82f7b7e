using System.Collections.Frozen;

namespace Checkout.Core.Payments.Sandbox;

/// <summary>What a sandbox card does when charged.</summary>
public enum TestCardBehavior
{
    Succeeds,
    Declined,
    InsufficientFunds,
    ExpiredCard,
    IncorrectCvc,
    Fraudulent,
    ThreeDSecure,
    LateSuccess,
    LateFailure,
    Dispute,
    RefundFails,
}

/// <summary>One row of DESIGN.md's test-card table.</summary>
public sealed record TestCard(string Number, string Token, TestCardBehavior Behavior, string? DeclineCode);

/// <summary>The sandbox test cards (Luhn-valid, any future expiry, any CVC) and their server-side tokens.</summary>
public static class TestCards
{
    public static readonly IReadOnlyList<TestCard> All =
    [
        new("4242424242424242", "pm_card_visa", TestCardBehavior.Succeeds, null),
        new("4000000000000002", "pm_card_declined", TestCardBehavior.Declined, "card_declined"),
        new("4000000000009995", "pm_card_insufficient_funds", TestCardBehavior.InsufficientFunds, "insufficient_funds"),
        new("4000000000000069", "pm_card_expired", TestCardBehavior.ExpiredCard, "expired_card"),
        new("4000000000000127", "pm_card_incorrect_cvc", TestCardBehavior.IncorrectCvc, "incorrect_cvc"),
        new("4100000000000019", "pm_card_fraudulent", TestCardBehavior.Fraudulent, "fraudulent"),
        new("4000002760003184", "pm_card_3ds", TestCardBehavior.ThreeDSecure, null),
        new("4000000000007726", "pm_card_late_success", TestCardBehavior.LateSuccess, null),
        new("4000000000007734", "pm_card_late_failure", TestCardBehavior.LateFailure, "card_declined"),
        new("4000000000000259", "pm_card_dispute", TestCardBehavior.Dispute, null),
        new("4000000000005126", "pm_card_refund_fails", TestCardBehavior.RefundFails, null),
    ];

    private static readonly FrozenDictionary<string, TestCard> ByNumber = All.ToFrozenDictionary(c => c.Number);
    private static readonly FrozenDictionary<string, TestCard> ByToken = All.ToFrozenDictionary(c => c.Token);
    private static readonly FrozenDictionary<TestCardBehavior, TestCard> ByBehavior = All.ToFrozenDictionary(c => c.Behavior);

    /// <summary>Any other valid card number succeeds, like a real card with money on it.</summary>
    public static TestCardBehavior BehaviorOfNumber(string digits) =>
        ByNumber.TryGetValue(digits, out var card) ? card.Behavior : TestCardBehavior.Succeeds;

    public static TestCard? FindByToken(string token) => ByToken.GetValueOrDefault(token);

    public static TestCard Of(TestCardBehavior behavior) => ByBehavior[behavior];
}
