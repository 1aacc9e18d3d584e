using Microsoft.Extensions.Options;
using WhatsApp.Telemetry.Hosting;

namespace WhatsApp.Gateway.Auth;

/// <summary>Configuration section "Gateway": how long a signed-out token may still be honoured by this gateway.</summary>
public sealed class TokenVersionOptions
{
    public const string SectionName = "Gateway";

    /// <summary>
    /// How long the gateway trusts the token version it last learnt for a user without asking the user's grain again. A
    /// sign-out everywhere reaches every gateway at once; this bounds how long a token outlives it when that push was lost.
    /// </summary>
    public TimeSpan TokenVersionCacheDuration { get; set; } = TimeSpan.FromSeconds(15);
}

public sealed class TokenVersionOptionsValidator : IValidateOptions<TokenVersionOptions>
{
    public ValidateOptionsResult Validate(string? name, TokenVersionOptions options) => ValidatedOptions.Check(
        (options.TokenVersionCacheDuration > TimeSpan.Zero && options.TokenVersionCacheDuration <= TimeSpan.FromSeconds(30),
            "Gateway:TokenVersionCacheDuration must be more than 0 and at most 30 seconds (how long a signed-out token may outlive a lost sign-out push)."));
}
