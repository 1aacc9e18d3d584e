using System.Security.Cryptography;

namespace WhatsApp.Launcher.Stores;

/// <summary>
/// The run's generated secrets, in a 0700 folder of 0600 files read by whoever runs ./run only: made the first time,
/// the same on every later run. Each is 32 characters of [A-Za-z0-9_-] (192 random bits): no quoting in a connection string.
/// </summary>
public sealed class Secrets
{
    public const string PostgresSuperuserPassword = "postgres-superuser-password";
    public const string PostgresSiloPassword = "postgres-silo-password";
    public const string RedisPassword = "redis-password";
    public const string LauncherControl = "launcher-control";

    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string _folder;

    public Secrets(string folder)
    {
        _folder = folder;
        Directory.CreateDirectory(folder, OwnerOnlyFolder);
        File.SetUnixFileMode(folder, OwnerOnlyFolder);
    }

    public string PathOf(string name) => Path.Combine(_folder, name);

    /// <summary>The secret of that name, generated the first time.</summary>
    public string Get(string name) => ReadOrCreate(PathOf(name), () =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_'));

    /// <summary>
    /// The gateways' token signing key (48 random bytes, base64), beside the secrets folder as the first ./run kept it:
    /// the same key on every run, so a token outlives a restart.
    /// </summary>
    public static string SigningKey(string dataFolder) =>
        ReadOrCreate(Path.Combine(dataFolder, "jwt-signing-key"), () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)));

    private static string ReadOrCreate(string file, Func<string> generate)
    {
        if (!File.Exists(file) || new FileInfo(file).Length == 0)
        {
            // Written whole under another name, then renamed: a run cut off halfway leaves no empty or partial secret.
            var draft = file + ".new";
            using (var stream = new FileStream(draft, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = OwnerOnlyFile }))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(generate());
            }

            File.Move(draft, file, overwrite: true);
        }

        File.SetUnixFileMode(file, OwnerOnlyFile);
        return File.ReadAllText(file).Trim();
    }
}
