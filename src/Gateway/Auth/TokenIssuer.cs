using System.Globalization;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using WhatsApp.Grains.Abstractions.Users;

namespace WhatsApp.Gateway.Auth;

/// <summary>Issues the bearer tokens that register and login return.</summary>
public sealed class TokenIssuer(SymmetricSecurityKey signingKey, JwtOptions options, TimeProvider time)
{
    /// <summary>
    /// The claim with the user's token version: a token is valid only while it equals the version the user grain holds,
    /// so signing out everywhere (which bumps it) ends every token issued before.
    /// </summary>
    public const string TokenVersionClaim = "token_version";

    private readonly JsonWebTokenHandler _handler = new();

    public string Issue(UserCredentials user)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = JwtOptions.Issuer,
            Audience = JwtOptions.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + options.TokenLifetime,
            Subject = new ClaimsIdentity([
                new Claim(JwtRegisteredClaimNames.Sub, user.Profile.UserId.ToString(CultureInfo.InvariantCulture)),
                new Claim(JwtRegisteredClaimNames.Name, user.Profile.DisplayName),
                new Claim(TokenVersionClaim, user.TokenVersion.ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer32),
            ]),
            SigningCredentials = new SigningCredentials(signingKey, JwtOptions.SigningAlgorithm),
        });
    }
}
