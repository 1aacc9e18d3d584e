using System.Globalization;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;

namespace WhatsApp.Gateway.Auth;

public static class ClaimsPrincipalExtensions
{
    /// <summary>The acting user: taken only from the validated token, never from the request.</summary>
    public static long UserId(this ClaimsPrincipal principal) =>
        long.Parse(principal.FindFirstValue(JwtRegisteredClaimNames.Sub)
            ?? throw new InvalidOperationException("The principal carries no subject; the endpoint must require authorization."),
            CultureInfo.InvariantCulture);
}
