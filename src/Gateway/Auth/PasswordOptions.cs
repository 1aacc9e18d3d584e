using Microsoft.Extensions.Options;
using WhatsApp.Telemetry.Hosting;

namespace WhatsApp.Gateway.Auth;

/// <summary>Configuration section "Passwords": the cost of the password hash.</summary>
public sealed class PasswordOptions
{
    public const string SectionName = "Passwords";

    /// <summary>OWASP's Password Storage Cheat Sheet: PBKDF2-HMAC-SHA256 with 600,000 iterations.</summary>
    public const int OwaspIterations = 600_000;

    /// <summary>Below this a hash is no protection at all; only tests and the benchmark go near it, and they say so.</summary>
    public const int MinimumIterations = 1_000;

    /// <summary>
    /// PBKDF2-HMAC-SHA256 iterations for new hashes (Passwords__Iterations). A stored hash of a lower cost still signs
    /// in, and is replaced by one of this cost at that moment.
    /// </summary>
    public int Iterations { get; set; } = OwaspIterations;

    /// <summary>How many hashes may run at once (Passwords__MaxConcurrentHashes); more wait their turn, so sign-ins cannot starve the API of threads.</summary>
    public int MaxConcurrentHashes { get; set; } = Environment.ProcessorCount;

    /// <summary>
    /// How many hashes may wait for a turn (Passwords__MaxQueuedHashes); beyond it a request is answered 503 at once
    /// instead of queueing for ever. Registrations may take only half of the places, and sign-ins go first, so a flood
    /// of registrations cannot keep people from signing in.
    /// </summary>
    public int MaxQueuedHashes { get; set; } = 32;
}

public sealed class PasswordOptionsValidator : IValidateOptions<PasswordOptions>
{
    public ValidateOptionsResult Validate(string? name, PasswordOptions options) => ValidatedOptions.Check(
        (options.Iterations >= PasswordOptions.MinimumIterations,
            $"Passwords:Iterations must be at least {PasswordOptions.MinimumIterations} (OWASP asks for {PasswordOptions.OwaspIterations})."),
        (options.MaxConcurrentHashes >= 1, "Passwords:MaxConcurrentHashes must be at least 1."),
        (options.MaxQueuedHashes >= 0, "Passwords:MaxQueuedHashes must not be negative."));
}
