using Microsoft.Extensions.Options;
using WhatsApp.Telemetry.Hosting;

namespace WhatsApp.Grains.Users;

/// <summary>
/// Configuration section "SignIn" of the silos, which keep the counts every gateway shares: how failed logins and
/// registrations slow down further attempts.
/// </summary>
public sealed class SignInThrottleOptions
{
    public const string SectionName = "SignIn";

    /// <summary>Failed attempts on one account from one address that cost nothing but the failure (SignIn__FreeFailuresPerAccount).</summary>
    public int FreeFailuresPerAccount { get; set; } = 5;

    /// <summary>
    /// Failed attempts on one account from all addresses together before every attempt on it waits
    /// (SignIn__FreeFailuresPerAccountFromEverywhere): far above what the owner types, so only guessing spread over many
    /// addresses reaches it.
    /// </summary>
    public int FreeFailuresPerAccountFromEverywhere { get; set; } = 100;

    /// <summary>
    /// Failed attempts from one client address before it waits too (SignIn__FreeFailuresPerAddress): more than per account,
    /// since people behind one address share it, yet it stops one address from trying a few guesses on many accounts.
    /// </summary>
    public int FreeFailuresPerAddress { get; set; } = 20;

    /// <summary>The wait after the first failure beyond the free ones; it doubles with each further failure (SignIn__FirstBackoff).</summary>
    public TimeSpan FirstBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait; failures older than this are forgotten (SignIn__MaxBackoff).</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(15);
}

public sealed class SignInThrottleOptionsValidator : IValidateOptions<SignInThrottleOptions>
{
    public ValidateOptionsResult Validate(string? name, SignInThrottleOptions options) => ValidatedOptions.Check(
        (options.FreeFailuresPerAccount >= 1, "SignIn:FreeFailuresPerAccount must be at least 1."),
        (options.FreeFailuresPerAddress >= 1, "SignIn:FreeFailuresPerAddress must be at least 1."),
        (options.FreeFailuresPerAccountFromEverywhere >= options.FreeFailuresPerAccount,
            "SignIn:FreeFailuresPerAccountFromEverywhere must be at least SignIn:FreeFailuresPerAccount."),
        (options.FirstBackoff > TimeSpan.Zero, "SignIn:FirstBackoff must be positive."),
        (options.MaxBackoff >= options.FirstBackoff, "SignIn:MaxBackoff must be at least SignIn:FirstBackoff."));
}
