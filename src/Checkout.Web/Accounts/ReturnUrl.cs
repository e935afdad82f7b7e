namespace Checkout.Web.Accounts;

/// <summary>Where to go after signing in: only a path on this site, so the login page is never an open redirect.</summary>
public static class ReturnUrl
{
    public const string Default = "/";

    /// <summary>Returns <paramref name="candidate"/> when it is a local path ("/pay/ord_1"), else "/".</summary>
    public static string Local(string? candidate)
    {
        if (string.IsNullOrEmpty(candidate) || candidate.Length > 2048) return Default;
        // "/x" is local; "//host" and "/\host" are protocol-relative in browsers; control characters can hide either.
        if (candidate[0] != '/') return Default;
        if (candidate.Length > 1 && candidate[1] is '/' or '\\') return Default;
        if (candidate.Any(char.IsControl)) return Default;
        return candidate;
    }
}
