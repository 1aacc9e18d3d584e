namespace WhatsApp.Gateway.Auth;

/// <summary>Configuration section "Jwt".</summary>
public sealed class JwtOptions
{
    public const string SectionName = "Jwt";
    public const string Issuer = "whatsapp-gateway";
    public const string Audience = "whatsapp";

    /// <summary>
    /// The HMAC key that signs tokens (Jwt__SigningKey), at least 32 characters. Every gateway of a deployment needs the
    /// same one. When it is missing, a random key is made at start: fine for a try-out, but tokens then die with the process.
    /// </summary>
    public string? SigningKey { get; set; }

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(12);
}
