using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace WhatsApp.Gateway.Tests.Infrastructure;

/// <summary>Tokens made by the test with the system's own signing key: valid in every way but the one a test varies.</summary>
public static class TestTokens
{
    /// <summary>A token for a user, signed with the key (base64) by HS256 or HS512, with the claims the gateway issues unless overridden.</summary>
    public static string Sign(string base64Key, long userId, DateTimeOffset expires, string algorithm = "HS256", int? tokenVersion = 0)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = new Dictionary<string, object>
        {
            ["sub"] = userId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["iss"] = "whatsapp-gateway",
            ["aud"] = "whatsapp",
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = expires.ToUnixTimeSeconds(),
        };
        if (tokenVersion is { } version)
        {
            claims["token_version"] = version;
        }

        var unsigned = $"{Encode(JsonSerializer.SerializeToUtf8Bytes(new { alg = algorithm, typ = "JWT" }))}.{Encode(JsonSerializer.SerializeToUtf8Bytes(claims))}";
        var key = Convert.FromBase64String(base64Key);
        var data = Encoding.ASCII.GetBytes(unsigned);
        var signature = algorithm switch
        {
            "HS256" => HMACSHA256.HashData(key, data),
            "HS512" => HMACSHA512.HashData(key, data),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm), algorithm, "HS256 or HS512"),
        };
        return $"{unsigned}.{Encode(signature)}";
    }

    private static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
