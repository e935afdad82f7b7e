using Checkout.Core.Payments.Cards;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Checkout.Web.Components.Pages.Pay.Cards;

/// <summary>
/// Card number, Expiry (MM/YY), CVC and Name on card, with the brand shown as the number is typed and
/// each field's error once the shopper has left it. The page owns the <see cref="CardEntry"/>.
/// </summary>
public sealed partial class NewCardForm
{
    // Browsers' own autofill and number keyboards; data-testid lets tests find fields without MudBlazor's markup.
    private static readonly Dictionary<string, object> NumberAttributes = new() { ["autocomplete"] = "cc-number", ["data-testid"] = "card-number" };
    private static readonly Dictionary<string, object> ExpiryAttributes = new() { ["autocomplete"] = "cc-exp", ["data-testid"] = "card-expiry" };
    private static readonly Dictionary<string, object> CvcAttributes = new() { ["autocomplete"] = "cc-csc", ["data-testid"] = "card-cvc" };
    private static readonly Dictionary<string, object> NameAttributes = new() { ["autocomplete"] = "cc-name", ["data-testid"] = "card-name" };

    private MudTextField<string>? _number;
    private MudTextField<string>? _expiry;
    private MudTextField<string>? _cvc;
    private MudTextField<string>? _name;

    [Parameter, EditorRequired] public CardEntry Entry { get; set; } = null!;

    [Parameter] public bool Disabled { get; set; }

    private string BrandText => Entry.Brand == CardBrand.Unknown ? "" : CardBrands.DisplayName(Entry.Brand);

    private string? Error(CardField field) => Entry.ErrorFor(field, Clock.GetUtcNow());

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
        var input = Entry.FirstInvalid(Clock.GetUtcNow()) switch
        {
            CardField.Number => _number,
            CardField.Expiry => _expiry,
            CardField.Cvc => _cvc,
            CardField.Name => _name,
            _ => null,
        };
        if (input is not null) await input.FocusAsync();
    }
}
