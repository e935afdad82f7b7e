using Checkout.Core.Payments.Cards;
using Microsoft.AspNetCore.Components;

namespace Checkout.Web.Components.Pages.Pay.Cards;

/// <summary>
/// Card number, Expiry (MM/YY), CVC and Name on card, with the brand shown as the number is typed and
/// each field's error once the shopper has left it. The page owns the <see cref="CardEntry"/>.
/// </summary>
public sealed partial class NewCardForm
{
    private ElementReference _number;
    private ElementReference _expiry;
    private ElementReference _cvc;
    private ElementReference _name;

    [Parameter, EditorRequired] public CardEntry Entry { get; set; } = null!;

    [Parameter] public bool Disabled { get; set; }

    private string BrandText => Entry.Brand == CardBrand.Unknown ? "" : CardBrands.DisplayName(Entry.Brand);

    // Screen readers say "invalid" only for a field whose message shows.
    private static string? Invalid(string? error) => error is null ? null : "true";

    /// <summary>Shows every field's error; false if any field is wrong.</summary>
    public bool CheckAll()
    {
        Entry.CheckAll();
        StateHasChanged();
        return Entry.FirstInvalid(Clock.GetUtcNow()) is null;
    }

    /// <summary>Puts the cursor in the first wrong field, where its message is.</summary>
    public async Task FocusFirstInvalidAsync()
    {
        ElementReference? input = Entry.FirstInvalid(Clock.GetUtcNow()) switch
        {
            CardField.Number => _number,
            CardField.Expiry => _expiry,
            CardField.Cvc => _cvc,
            CardField.Name => _name,
            _ => null,
        };
        if (input is { } field) await field.FocusAsync();
    }
}
