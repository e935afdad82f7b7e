using System.ComponentModel.DataAnnotations;
using Checkout.Web.Accounts;
using Microsoft.AspNetCore.Components;

namespace Checkout.Web.Components.Pages.Account;

/// <summary>Static SSR because signing in sets the shopper cookie on the response.</summary>
public partial class Login
{
    public const string InvalidCredentialsMessage = "Invalid email or password.";

    private string? _error;

    [Inject] private ShopperSignIn SignIn { get; set; } = null!;
    [Inject] private NavigationManager Navigation { get; set; } = null!;
    [Inject] private TimeProvider Clock { get; set; } = null!;

    [CascadingParameter] private HttpContext HttpContext { get; set; } = null!;

    [SupplyParameterFromQuery] private string? ReturnUrl { get; set; }

    // Null on a GET; the posted form on a POST (an initializer here would be overwritten anyway).
    [SupplyParameterFromForm] private LoginInput Input { get; set; } = null!;

    protected override void OnInitialized() => Input ??= new();

    private string SignUpHref => $"account/signup?returnUrl={Uri.EscapeDataString(Accounts.ReturnUrl.Local(ReturnUrl))}";

    private async Task SignInAsync()
    {
        var result = await SignIn.SignInAsync(HttpContext, Input.Email, Input.Password, HttpContext.RequestAborted);
        ForgetPassword();
        switch (result.Status)
        {
            case SignInStatus.SignedIn:
                Navigation.NavigateTo(Accounts.ReturnUrl.Local(ReturnUrl));
                break;
            case SignInStatus.LockedOut:
                _error = LockedOutMessage(result.LockedOutUntil);
                break;
            default:
                _error = InvalidCredentialsMessage;
                break;
        }
    }

    // The re-rendered form must not echo the password back into the page.
    private void ForgetPassword() => Input.Password = "";

    private string LockedOutMessage(DateTimeOffset? until)
    {
        var minutes = until is { } u ? Math.Max(1, (int)Math.Ceiling((u - Clock.GetUtcNow()).TotalMinutes)) : 1;
        return $"This account is locked after too many failed sign-ins. Try again in {minutes} minute{(minutes == 1 ? "" : "s")}.";
    }

    public sealed class LoginInput
    {
        [Required(ErrorMessage = "Enter your email.")]
        [MaxLength(256)]
        public string Email { get; set; } = "";

        [Required(ErrorMessage = "Enter your password.")]
        [MaxLength(256)]
        public string Password { get; set; } = "";
    }
}
