using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Checkout.Web.Api;

public static class MerchantClaims
{
    /// <summary>The authenticated merchant behind a bearer token (its OAuth client id).</summary>
    public static string MerchantId(this ClaimsPrincipal user) =>
        user.FindFirstValue(JwtRegisteredClaimNames.Sub) ?? user.FindFirstValue(ClaimTypes.NameIdentifier)
        ?? throw new InvalidOperationException("The request is not authenticated as a merchant.");
}
