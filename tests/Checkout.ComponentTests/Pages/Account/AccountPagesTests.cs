using Bunit;
using Checkout.ComponentTests.Infrastructure;
using Checkout.Web.Components.Pages.Account;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;

namespace Checkout.ComponentTests.Pages.Account;

/// <summary>The labels and buttons QA scripts select by: they are part of the public contract.</summary>
public class AccountPagesTests : PageTestContext
{
    private static void AssertLabelledInput(IRenderedComponent<IComponent> cut, string label, string type)
    {
        var element = cut.FindAll("label").Single(l => l.TextContent.Trim() == label);
        var input = cut.Find($"#{element.GetAttribute("for")}");
        Assert.Equal("input", input.LocalName);
        Assert.Equal(type, input.GetAttribute("type"));
    }

    [Fact]
    public void LoginPage_LabelsEmailAndPassword_AndOffersSignInAndSignUp()
    {
        Context.Services.GetRequiredService<NavigationManager>().NavigateTo("/account/login?returnUrl=%2Fpay%2Ford_1");

        IRenderedComponent<IComponent> cut = Context.Render<Login>();

        AssertLabelledInput(cut, "Email", "email");
        AssertLabelledInput(cut, "Password", "password");
        Assert.Equal("Sign in", cut.Find("button[type=submit]").TextContent.Trim());
        Assert.Equal("post", cut.Find("form").GetAttribute("method"));
        Assert.Equal("account/signup?returnUrl=%2Fpay%2Ford_1", cut.FindAll("a").Single(a => a.TextContent == "Create an account").GetAttribute("href"));
    }

    [Fact]
    public void LoginPage_DoesNotCarryAForeignReturnUrlIntoTheSignUpLink()
    {
        Context.Services.GetRequiredService<NavigationManager>().NavigateTo("/account/login?returnUrl=https%3A%2F%2Fevil.example%2F");

        var cut = Context.Render<Login>();

        Assert.Equal("account/signup?returnUrl=%2F", cut.FindAll("a").Single(a => a.TextContent == "Create an account").GetAttribute("href"));
    }

    [Fact]
    public void SignUpPage_LabelsEmailPasswordAndConfirmPassword()
    {
        IRenderedComponent<IComponent> cut = Context.Render<SignUp>();

        AssertLabelledInput(cut, "Email", "email");
        AssertLabelledInput(cut, "Password", "password");
        AssertLabelledInput(cut, "Confirm password", "password");
        Assert.Equal("Create account", cut.Find("button[type=submit]").TextContent.Trim());
    }
}
