namespace WhatsApp.Gateway.Auth;

/// <summary>Configuration section "Jwt".</summary>
public sealed class JwtOptions
{
    public const string SectionName = "Jwt";
    public const string Issuer = "whatsapp-gateway";
    public const string Audience = "whatsapp";

    /// <summary>The only algorithm tokens are signed with and the only one validation accepts (no "none", no other HMAC, no RSA key confusion).</summary>
    public const string SigningAlgorithm = Microsoft.IdentityModel.Tokens.SecurityAlgorithms.HmacSha256;

    /// <summary>HS256 wants a key at least as long as its output: 256 bits.</summary>
    public const int MinimumKeyBytes = 32;

    /// <summary>
    /// The HMAC key that signs tokens (Jwt__SigningKey): random bytes, at least 256 bits, base64-encoded (for example
    /// <c>openssl rand -base64 32</c>). A passphrase is refused: people pick guessable ones. Every gateway of a deployment
    /// needs the same key. When it is missing, a random key is made at start: fine for a try-out, but tokens then die
    /// with the process.
    /// </summary>
    public string? SigningKey { get; set; }

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(12);
}
