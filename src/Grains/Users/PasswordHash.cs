using System.Security.Cryptography;
using System.Text;

namespace WhatsApp.Grains.Users;

/// <summary>
/// A salted PBKDF2-SHA256 password hash. The iteration count is stored with it, so raising the cost later keeps
/// old accounts working.
/// </summary>
[GenerateSerializer, Immutable, Alias("whatsapp.PasswordHash")]
public sealed record PasswordHash([property: Id(0)] byte[] Salt, [property: Id(1)] byte[] Hash, [property: Id(2)] int Iterations)
{
    private const int CurrentIterations = 100_000;
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    public static PasswordHash Create(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        return new PasswordHash(salt, Derive(password, salt, CurrentIterations), CurrentIterations);
    }

    public bool Matches(string password) =>
        CryptographicOperations.FixedTimeEquals(Hash, Derive(password, Salt, Iterations));

    private static byte[] Derive(string password, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, HashBytes);
}
