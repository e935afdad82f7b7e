using System.ComponentModel.DataAnnotations;
using Checkout.Web.Accounts;
using Microsoft.AspNetCore.Components;

namespace Checkout.Web.Components.Pages.Account;

/// <summary>Static SSR: creating the account also signs the shopper in with the cookie.</summary>
public partial class SignUp
{
    public const string EmailTakenMessage = "An account with this email already exists. Sign in instead.";

    private string? _error;

    [Inject] private ShopperSignIn SignIn { get; set; } = null!;
    [Inject] private NavigationManager Navigation { get; set; } = null!;

    [CascadingParameter] private HttpContext HttpContext { get; set; } = null!;

    [SupplyParameterFromQuery] private string? ReturnUrl { get; set; }

    // Null on a GET; the posted form on a POST (an initializer here would be overwritten anyway).
    [SupplyParameterFromForm] private SignUpInput Input { get; set; } = null!;

    protected override void OnInitialized() => Input ??= new();

    private string LoginHref => $"account/login?returnUrl={Uri.EscapeDataString(Accounts.ReturnUrl.Local(ReturnUrl))}";

    private async Task SignUpAsync()
    {
        var status = await SignIn.SignUpAsync(HttpContext, Input.Email, Input.Password, HttpContext.RequestAborted);
        if (status == SignUpStatus.EmailTaken)
        {
            ForgetPasswords();
            _error = EmailTakenMessage;
            return;
        }
        Navigation.NavigateTo(Accounts.ReturnUrl.Local(ReturnUrl));
    }

    // The re-rendered form must not echo passwords back into the page.
    private void ForgetPasswords()
    {
        Input.Password = "";
        Input.ConfirmPassword = "";
    }

    public sealed class SignUpInput
    {
        public const int MinPasswordLength = 8;

        [Required(ErrorMessage = "Enter your email.")]
        [EmailAddress(ErrorMessage = "Enter a valid email address.")]
        [MaxLength(256)]
        public string Email { get; set; } = "";

        [Required(ErrorMessage = "Choose a password.")]
        [StringLength(256, MinimumLength = MinPasswordLength, ErrorMessage = "The password needs at least 8 characters.")]
        public string Password { get; set; } = "";

        [Required(ErrorMessage = "Type the password again.")]
        [Compare(nameof(Password), ErrorMessage = "The passwords do not match.")]
        public string ConfirmPassword { get; set; } = "";
    }
}
