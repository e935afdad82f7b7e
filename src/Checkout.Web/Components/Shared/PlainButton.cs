namespace Checkout.Web.Components.Shared;

/// <summary>
/// MudButton's CSS classes for a plain <c>&lt;button&gt;</c> or <c>&lt;a&gt;</c>: the same look without a component
/// per button in the circuit.
/// </summary>
public static class PlainButton
{
    public const string FilledPrimary = "mud-button-root mud-button mud-button-filled mud-button-filled-primary mud-button-filled-size-large mud-ripple";
    public const string OutlinedPrimary = "mud-button-root mud-button mud-button-outlined mud-button-outlined-primary mud-button-outlined-size-medium mud-ripple";
    public const string OutlinedDefault = "mud-button-root mud-button mud-button-outlined mud-button-outlined-default mud-button-outlined-size-large mud-ripple";
}
