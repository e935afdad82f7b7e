namespace Checkout.Core.Payments;

/// <summary>What to tell a shopper for each decline code: plain words, and what they can do next.</summary>
public static class DeclineMessages
{
    public static string For(string? declineCode) => declineCode switch
    {
        "card_declined" => "Your card was declined. Try another card or payment method.",
        "insufficient_funds" => "Your card has insufficient funds. Try another card or payment method.",
        "expired_card" => "Your card has expired. Try another card.",
        "incorrect_cvc" => "The card's security code (CVC) is incorrect. Check it or try another card.",
        "fraudulent" => "This payment was blocked by our fraud checks.",
        "authentication_failed" => "Your bank could not confirm it was you (3-D Secure failed). Try again or use another card.",
        "wallet_insufficient_funds" => "Your wallet balance is too low for this payment.",
        _ => "The payment did not go through. Try another payment method.",
    };
}
