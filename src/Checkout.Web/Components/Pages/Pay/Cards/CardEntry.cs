using Checkout.Core.Payments.Cards;

namespace Checkout.Web.Components.Pages.Pay.Cards;

/// <summary>A field of the New card form.</summary>
public enum CardField
{
    Number,
    Expiry,
    Cvc,
    Name,
}

/// <summary>
/// The New card form's state: what is typed, and which fields may show their error yet (after the
/// shopper left the field, finished typing it, or pressed Approve). The number and CVC stay here only
/// until <see cref="TakeDetails"/>.
/// </summary>
public sealed class CardEntry
{
    private readonly HashSet<CardField> _checked = [];

    public string? Number { get; set; }
    public string? Expiry { get; set; }
    public string? Cvc { get; set; }
    public string? Name { get; set; }
    public bool Save { get; set; }

    /// <summary>Detected as the shopper types, from the first digits.</summary>
    public CardBrand Brand => CardEntryChecks.BrandOf(Number);

    /// <summary>The shopper left the field: from now on its error shows, and follows each keystroke.</summary>
    public void Leave(CardField field) => _checked.Add(field);

    /// <summary>Approve was pressed: every field shows its error.</summary>
    public void CheckAll()
    {
        foreach (var field in Enum.GetValues<CardField>()) _checked.Add(field);
    }

    /// <summary>The message to show under <paramref name="field"/> now, or null.</summary>
    public string? ErrorFor(CardField field, DateTimeOffset now)
    {
        if (!_checked.Contains(field) && !LooksFinished(field)) return null;
        return ProblemWith(field, now);
    }

    public string? ProblemWith(CardField field, DateTimeOffset now) => field switch
    {
        CardField.Number => CardEntryChecks.NumberError(Number),
        CardField.Expiry => CardEntryChecks.ExpiryError(Expiry, now),
        CardField.Cvc => CardEntryChecks.CvcError(Cvc, Brand),
        _ => CardEntryChecks.NameError(Name),
    };

    public CardField? FirstInvalid(DateTimeOffset now) =>
        Enum.GetValues<CardField>().Cast<CardField?>().FirstOrDefault(f => ProblemWith(f!.Value, now) is not null);

    /// <summary>
    /// Hands the entry to the payment step and forgets the number and CVC at once, whatever the payment's
    /// outcome: a retry means typing them again, as on any card form.
    /// </summary>
    public CardDetails TakeDetails()
    {
        var details = new CardDetails(Number, Expiry, Cvc, Name, Save);
        Number = null;
        Cvc = null;
        _checked.Remove(CardField.Number);
        _checked.Remove(CardField.Cvc);
        return details;
    }

    // A wrong number is worth saying before the shopper tabs away once all its digits are there;
    // a half-typed one is not wrong yet.
    private bool LooksFinished(CardField field) => field switch
    {
        CardField.Number => CardChecks.Normalize(Number) is { } digits && digits.Length >= (Brand == CardBrand.Amex ? 15 : 16),
        CardField.Expiry => Expiry?.Trim() is { Length: >= 5 } text && text.Contains('/'),
        _ => false,
    };
}
