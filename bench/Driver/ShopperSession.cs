using System.Net;
using System.Text.RegularExpressions;

namespace Checkout.Bench.Driver;

/// <summary>A signed-in shopper over plain HTTP: the static SSR login form with its antiforgery token, and the cookie kept.</summary>
public static partial class ShopperSession
{
    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("name=\"_handler\" value=\"([^\"]+)\"")]
    private static partial Regex HandlerField();

    public static async Task<HttpClient> SignInAsync(Uri baseUrl, string email, string password)
    {
        var http = new HttpClient(new SocketsHttpHandler
        {
            CookieContainer = new CookieContainer(),
            UseCookies = true,
            AllowAutoRedirect = false,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        })
        { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(30) };

        var form = await http.GetStringAsync("/account/login");
        var token = AntiforgeryField().Match(form);
        if (!token.Success) throw new InvalidOperationException("The login page has no antiforgery token.");
        var handler = HandlerField().Match(form);
        using var post = await http.PostAsync("/account/login", new FormUrlEncodedContent(
        [
            new("_handler", handler.Success ? WebUtility.HtmlDecode(handler.Groups[1].Value) : "login"),
            new("__RequestVerificationToken", WebUtility.HtmlDecode(token.Groups[1].Value)),
            new("Input.Email", email),
            new("Input.Password", password),
        ]));
        if ((int)post.StatusCode is < 300 or > 399)
            throw new InvalidOperationException($"Sign-in answered {(int)post.StatusCode}, expected a redirect: {(await post.Content.ReadAsStringAsync())[..200]}");
        return http;
    }
}
