using System.Globalization;

namespace WhatsApp.Testing;

/// <summary>Where one shard's silo listens: the same ports every time it starts, as in production.</summary>
public sealed record SiloPorts(int Silo, int Gateway, int Metrics)
{
    public static SiloPorts Free() => new(FreePort.Next(), FreePort.Next(), FreePort.Next());
}

/// <summary>
/// What a test deployment sets on its hosts, named as the README's environment variables. <see cref="ChatSystem"/>
/// gives them to processes as their environment; in-process hosts read them as configuration
/// (<see cref="AsConfiguration"/>), so both kinds of test deployment run the product configured alike.
/// </summary>
public static class TestHostSettings
{
    /// <summary>
    /// The gateway of a shared test system, where every test uses fresh users: a send allowance generous enough for
    /// every test but the one that sends a burst beyond it, and one page origin allowed for the origin tests.
    /// </summary>
    public static IReadOnlyDictionary<string, string> SharedGateway { get; } = new Dictionary<string, string>
    {
        ["Gateway__SendBurst"] = SharedSendBurst.ToString(CultureInfo.InvariantCulture),
        ["Gateway__SendsPerSecond"] = "100",
        ["Gateway__AllowedOrigins"] = "http://localhost:8080",

        // The fuzz test spends 10,000 requests as one user, and the send-burst test more than 200 sends: a user's
        // allowance far above the shipped one here. HubLimitsTests test the allowance itself, on a system of their own.
        ["Allowance__CostBurstPerUser"] = "1000000",
        ["Allowance__CostPerSecondPerUser"] = "1000000",
    };

    /// <summary>The shared gateway's send burst (<see cref="SharedGateway"/>).</summary>
    public const int SharedSendBurst = 200;

    /// <summary>
    /// A shard's silo's settings, on its <paramref name="ports"/>; <paramref name="databases"/> holds one server for every
    /// shard, or one per shard (index = shard).
    /// </summary>
    public static Dictionary<string, string> Silo(
        int shard, int shardCount, IReadOnlyList<PostgresServer> databases, RedisServer redis, string clusterId, SiloPorts ports, bool traceSends)
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = databases[0].ConnectionString(),
            ["ConnectionStrings__Redis"] = redis.Configuration,
            ["Shard__Index"] = shard.ToString(CultureInfo.InvariantCulture),
            ["Shard__Count"] = shardCount.ToString(CultureInfo.InvariantCulture),
            ["Orleans__ClusterId"] = clusterId,
            ["Orleans__ServiceId"] = clusterId,
            ["Orleans__SiloPort"] = ports.Silo.ToString(CultureInfo.InvariantCulture),
            ["Orleans__GatewayPort"] = ports.Gateway.ToString(CultureInfo.InvariantCulture),
            ["Metrics__Port"] = ports.Metrics.ToString(CultureInfo.InvariantCulture),
            ["Tracing__Enabled"] = traceSends ? "true" : "false",
        };
        for (var shardOfDatabase = 0; databases.Count > 1 && shardOfDatabase < shardCount; shardOfDatabase++)
        {
            settings[$"ConnectionStrings__Postgres_{shardOfDatabase}"] = databases[shardOfDatabase].ConnectionString();
        }

        return settings;
    }

    /// <summary>
    /// A gateway's settings, where it listens left to the caller; every gateway of a deployment must share its
    /// <paramref name="signingKey"/>.
    /// </summary>
    public static Dictionary<string, string> Gateway(int shardCount, RedisServer redis, string clusterId, string signingKey, bool traceSends) => new()
    {
        ["ConnectionStrings__Redis"] = redis.Configuration,
        ["Orleans__ClusterId"] = clusterId,
        ["Orleans__ServiceId"] = clusterId,
        ["Shard__Count"] = shardCount.ToString(CultureInfo.InvariantCulture),
        ["Jwt__SigningKey"] = signingKey,
        ["Tracing__Enabled"] = traceSends ? "true" : "false",

        // Request logging on, so tests can check that tokens never reach the logs.
        ["Logging__LogLevel__Default"] = "Information",
        ["Logging__LogLevel__Microsoft.AspNetCore"] = "Information",

        // Tests and the benchmark register thousands of users: a password hash far cheaper than the shipped
        // OWASP cost (600,000), said here on purpose. Tests of the hash itself start a gateway with their own cost.
        ["Passwords__Iterations"] = "1000",

        // ...and all from one address (loopback): registrations and sign-ins per address far above the shipped ones,
        // said here on purpose. Tests of those allowances start a gateway with the shipped values.
        ["Allowance__RegistrationBurstPerAddress"] = "1000000",
        ["Allowance__RegistrationsPerMinutePerAddress"] = "1000000",
        ["Allowance__SignInBurstPerAddress"] = "1000000",
        ["Allowance__SignInsPerMinutePerAddress"] = "1000000",
    };

    /// <summary>Environment variable names as configuration keys ("Gateway__SendBurst" is "Gateway:SendBurst").</summary>
    public static IEnumerable<KeyValuePair<string, string?>> AsConfiguration(IEnumerable<KeyValuePair<string, string>> settings) =>
        settings.Select(setting => new KeyValuePair<string, string?>(setting.Key.Replace("__", ":", StringComparison.Ordinal), setting.Value));
}
