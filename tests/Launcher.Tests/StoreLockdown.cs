using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace WhatsApp.Launcher.Tests;

/// <summary>
/// What ./run promises about the cluster's own stores while it runs: generated secrets only this user reads,
/// PostgreSQL that asks every connection for a password, silos logged in as a role that owns the chat database and
/// nothing more, and a Redis that answers nobody without the password.
/// </summary>
public static class StoreLockdown
{
    public const string SiloRole = "whatsapp_silo";

    public static string Secret(string dataFolder, string name) => File.ReadAllText(Path.Combine(dataFolder, "secrets", name));

    public static async Task AssertLockedAsync(string dataFolder, LauncherPorts ports)
    {
        var secrets = Path.Combine(dataFolder, "secrets");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(secrets));
        string[] expected = ["launcher-control", "postgres-silo-password", "postgres-superuser-password", "redis-password"];
        Assert.Equal(expected, Directory.GetFiles(secrets).Select(Path.GetFileName).Order());
        Assert.All(expected, name => Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(secrets, name))));
        Assert.All(expected, name => Assert.Matches("^[A-Za-z0-9_-]{32}$", Secret(dataFolder, name)));
        // The logs name users and client addresses: only whoever runs the cluster (and PostgreSQL writing its own) reads them.
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.Combine(dataFolder, "logs")));
        foreach (var log in Directory.GetFiles(Path.Combine(dataFolder, "logs")))
        {
            var text = await File.ReadAllTextAsync(log);
            Assert.All(expected, name => Assert.False(text.Contains(Secret(dataFolder, name), StringComparison.Ordinal), $"{log} shows the secret {name}"));
        }

        await AssertPostgresRefusesAsync("postgres", password: null, ports.Postgres);
        await AssertPostgresRefusesAsync("postgres", password: "postgres", ports.Postgres);
        await AssertPostgresRefusesAsync(SiloRole, password: null, ports.Postgres);

        await using (var silo = await OpenAsync(ports.Postgres, SiloRole, Secret(dataFolder, "postgres-silo-password")))
        {
            Assert.Equal("f f f f", await ScalarAsync(silo, "SELECT concat_ws(' ', rolsuper, rolcreatedb, rolcreaterole, rolreplication) FROM pg_roles WHERE rolname = current_user"));
            Assert.Equal(SiloRole, await ScalarAsync(silo, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"));
            Assert.Equal(string.Empty, await ScalarAsync(silo, $"SELECT coalesce(string_agg(tablename || ' owned by ' || tableowner, ', '), '') FROM pg_tables WHERE schemaname = 'public' AND tableowner <> '{SiloRole}'"));
        }

        await using (var superuser = await OpenAsync(ports.Postgres, "postgres", Secret(dataFolder, "postgres-superuser-password")))
        {
            // Every line of pg_hba.conf that applies asks for a scram-sha-256 password: nothing is trusted, not even loopback.
            Assert.Equal("scram-sha-256", await ScalarAsync(superuser, "SELECT string_agg(DISTINCT auth_method, ',') FROM pg_hba_file_rules"));
        }

        Assert.StartsWith("-NOAUTH", await RedisAsync(ports.Redis, "PING"), StringComparison.Ordinal);
        Assert.StartsWith("-WRONGPASS", await RedisAsync(ports.Redis, "AUTH not-the-password"), StringComparison.Ordinal);
        Assert.StartsWith("+OK", await RedisAsync(ports.Redis, $"AUTH {Secret(dataFolder, "redis-password")}"), StringComparison.Ordinal);
    }

    private static async Task AssertPostgresRefusesAsync(string user, string? password, int port)
    {
        var refusal = await Assert.ThrowsAnyAsync<NpgsqlException>(async () => await (await OpenAsync(port, user, password)).DisposeAsync());
        Assert.True(refusal is PostgresException { SqlState: PostgresErrorCodes.InvalidPassword } || refusal.Message.Contains("password", StringComparison.OrdinalIgnoreCase), refusal.ToString());
    }

    /// <summary>A scalar from the chat database of the PostgreSQL on this port, read as its superuser.</summary>
    public static async Task<string> QueryAsSuperuserAsync(string dataFolder, int port, string sql)
    {
        await using var superuser = await OpenAsync(port, "postgres", Secret(dataFolder, "postgres-superuser-password"));
        return await ScalarAsync(superuser, sql);
    }

    private static async Task<NpgsqlConnection> OpenAsync(int port, string user, string? password)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1", Port = port, Database = "whatsapp", Username = user, Password = password, Pooling = false, Timeout = 15,
        }.ConnectionString);
        try
        {
            await connection.OpenAsync();
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task<string> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
    }

    /// <summary>Sends one inline command on a new connection and returns the first line of the answer.</summary>
    private static async Task<string> RedisAsync(int port, string command)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(command + "\r\n"));
        var buffer = new byte[256];
        var read = await stream.ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(15));
        return Encoding.ASCII.GetString(buffer, 0, read);
    }
}
