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
}
