using System.Security.Cryptography;
using System.Text;

namespace WhatsApp.Grains.Abstractions.Users;

/// <summary>How a password hash was derived. Stored with every hash so that a later, stronger choice keeps old accounts working.</summary>
public enum PasswordHashAlgorithm
{
    /// <summary>PBKDF2 with HMAC-SHA256 (the only one so far; every hash stored before the field existed reads as this).</summary>
    Pbkdf2Sha256 = 0,
}

/// <summary>
/// A salted password hash with its algorithm and cost. The gateway derives and checks it (on its thread pool, never on a
/// grain's turn); the user grain only stores it. Field ids 0 to 2 are those of the first version, which lived in the
/// grains assembly under the same alias, so stored accounts read unchanged.
/// </summary>
[GenerateSerializer, Immutable, Alias("whatsapp.PasswordHash")]
public sealed record PasswordHash(
    [property: Id(0)] byte[] Salt,
    [property: Id(1)] byte[] Hash,
    [property: Id(2)] int Iterations,
    [property: Id(3)] PasswordHashAlgorithm Algorithm = PasswordHashAlgorithm.Pbkdf2Sha256)
{
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    public static PasswordHash Create(string password, int iterations)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        return new PasswordHash(salt, Derive(password, salt, iterations), iterations);
    }

    /// <summary>Whether the password is this hash's; costs as much as creating the hash, whatever the answer.</summary>
    public bool Matches(string password) =>
        CryptographicOperations.FixedTimeEquals(Hash, Derive(password, Salt, Iterations));

    /// <summary>Whether this hash is cheaper to attack than one made now with the given cost.</summary>
    public bool IsWeakerThan(int iterations) => Iterations < iterations;

    /// <summary>The same stored hash (records compare arrays by reference, so this compares their bytes).</summary>
    public bool SameAs(PasswordHash other) =>
        Algorithm == other.Algorithm && Iterations == other.Iterations
        && Salt.AsSpan().SequenceEqual(other.Salt) && Hash.AsSpan().SequenceEqual(other.Hash);

    private static byte[] Derive(string password, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
}

/// <summary>What the gateway needs to sign a user in: the profile, the stored hash to check and the token version to put in the token.</summary>
[GenerateSerializer, Immutable, Alias("whatsapp.UserCredentials")]
public sealed record UserCredentials(
    [property: Id(0)] UserProfile Profile,
    [property: Id(1)] PasswordHash Password,
    [property: Id(2)] int TokenVersion);
