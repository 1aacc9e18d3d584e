using System.Globalization;
using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using StackExchange.Redis;
using WhatsApp.Grains.Abstractions.Cluster;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Storage;

namespace WhatsApp.Silo.Hosting;

/// <summary>Configuration section "Orleans": which cluster to join, where this silo listens, and runtime sizing.</summary>
public sealed class OrleansEndpointOptions
{
    public const string SectionName = "Orleans";

    public string ClusterId { get; set; } = ClusterDefaults.ClusterId;

    public string ServiceId { get; set; } = ClusterDefaults.ServiceId;

    /// <summary>Silo-to-silo port; defaults to 11111 + shard index so several silos fit on one machine.</summary>
    public int? SiloPort { get; set; }

    /// <summary>Port clients (the gateway) connect to; defaults to 30000 + shard index.</summary>
    public int? GatewayPort { get; set; }

    /// <summary>The address other silos and clients use to reach this one: an IP or a host name (compose service name).</summary>
    public string AdvertisedHost { get; set; } = IPAddress.Loopback.ToString();

    /// <summary>
    /// How many grain addresses this silo's directory cache may hold. Orleans' default, a million, pre-sizes a dictionary
    /// that every metrics collection walks in full (the dashboard collects every second): about 4 ms each time on this
    /// project's 2-core machine even when the cache is empty; at 100,000 the walk still took 4 % of a loaded silo's CPU.
    /// Entries expire within minutes and a full cache only means another directory lookup, so 10,000 is ample here.
    /// </summary>
    public int DirectoryCacheSize { get; set; } = 10_000;
}

/// <summary>Configuration section "Metrics": where this silo serves its OpenTelemetry metrics (/metrics, Prometheus text).</summary>
public sealed class SiloMetricsOptions
{
    public const string SectionName = "Metrics";

    /// <summary>The /metrics port; defaults to 9400 + shard index so several silos fit on one machine.</summary>
    public int? Port { get; set; }
}

/// <summary>
/// Configuration section "Orleans:Membership": how soon the cluster declares a silo dead, with the names of Orleans'
/// <see cref="ClusterMembershipOptions"/>. Orleans' defaults suit large clusters on busy networks and take about
/// 10 seconds to declare a killed silo dead, during which its shard cannot be served. A few silos on one machine or a
/// LAN answer a probe in milliseconds, so these defaults probe about every second (Orleans adapts the timeout to the
/// answers it sees, between half and four times ProbeTimeout) and suspect a silo after two missed probes; an indirect
/// probe through another silo and the votes of two silos then declare it dead: about 3 seconds after a kill. The cost
/// is false positives: a silo that stalls for a few seconds (a long GC pause, a starved CPU) is declared dead and
/// restarts; docs/reliability.md has the trade-off.
/// </summary>
public static class MembershipSettings
{
    public const string SectionName = "Orleans:Membership";

    /// <summary>Applies this project's defaults, then whatever the configuration section sets.</summary>
    public static ClusterMembershipOptions Apply(IConfiguration configuration, ClusterMembershipOptions options)
    {
        options.ProbeTimeout = TimeSpan.FromSeconds(1);
        options.NumMissedProbesLimit = 2;
        options.NumVotesForDeathDeclaration = 2;

        // Gossip spreads a death at once; the periodic read of the table is only the fallback when gossip is lost.
        options.TableRefreshTimeout = TimeSpan.FromSeconds(10);
        configuration.GetSection(SectionName).Bind(options);
        return options;
    }
}

/// <summary>
/// Everything a silo needs before it can be built, read and checked up front: a missing or wrong setting stops the
/// process at once with a message that names the key.
/// </summary>
public sealed record SiloSettings(
    ShardOptions Shard,
    OrleansEndpointOptions Orleans,
    ClusterMembershipOptions Membership,
    SiloMetricsOptions Metrics,
    IReadOnlyList<(string Key, string Value)> PostgresConnectionStrings,
    string RedisConfiguration)
{
    /// <summary>The database of every shard without one of its own (<see cref="ShardPostgresKey"/>).</summary>
    public const string PostgresKey = "ConnectionStrings:Postgres";
    public const string RedisKey = ClusterDefaults.RedisKey;

    // Development only: outside it a silo with no connection string stops rather than try a well-known login.
    private const string DevelopmentPostgres = "Host=127.0.0.1;Port=5432;Database=whatsapp;Username=postgres;Password=postgres";

    /// <summary>Shard i's own database ("ConnectionStrings:Postgres_0", env ConnectionStrings__Postgres_0, ...).</summary>
    public static string ShardPostgresKey(int shard) => $"{PostgresKey}_{shard.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Each shard's connection string, by shard index.</summary>
    public ShardConnectionStrings ShardDatabases => new([.. PostgresConnectionStrings.Select(entry => entry.Value)]);

    public int SiloPort => Orleans.SiloPort ?? 11111 + Shard.Index;

    public int GatewayPort => Orleans.GatewayPort ?? 30000 + Shard.Index;

    public int MetricsPort => Metrics.Port ?? 9400 + Shard.Index;

    /// <param name="configuration">The host's configuration: settings, environment variables, command line.</param>
    /// <param name="isDevelopment">Whether a missing connection string may fall back to the local development login.</param>
    public static SiloSettings Read(IConfiguration configuration, bool isDevelopment)
    {
        var shard = configuration.GetSection(ShardOptions.SectionName).Get<ShardOptions>() ?? new ShardOptions();
        var orleans = configuration.GetSection(OrleansEndpointOptions.SectionName).Get<OrleansEndpointOptions>() ?? new OrleansEndpointOptions();
        var metrics = configuration.GetSection(SiloMetricsOptions.SectionName).Get<SiloMetricsOptions>() ?? new SiloMetricsOptions();
        var settings = new SiloSettings(
            shard,
            orleans,
            MembershipSettings.Apply(configuration, new ClusterMembershipOptions()),
            metrics,
            PostgresByShard(configuration, shard.Count, isDevelopment),
            configuration[RedisKey] ?? ClusterDefaults.Redis);

        var problems = settings.Problems().Concat(UnknownShardDatabaseKeys(configuration, shard.Count)).ToList();
        if (settings.PostgresConnectionStrings.Any(entry => entry.Value.Length == 0))
        {
            problems.Add($"{PostgresKey} is not set, and outside Development a silo has no default database login: set it (or {ShardPostgresKey(0)} and the others for each shard).");
        }

        return problems.Count == 0
            ? settings
            : throw new OptionsValidationException(nameof(SiloSettings), typeof(SiloSettings), problems);
    }

    private IEnumerable<string> Problems()
    {
        foreach (var failure in new ShardOptionsValidator().Validate(name: null, Shard).Failures ?? [])
        {
            yield return failure;
        }

        if (SiloPort is < 1 or > 65535)
        {
            yield return $"Orleans:SiloPort must be a TCP port (got {SiloPort}).";
        }

        if (GatewayPort is < 1 or > 65535)
        {
            yield return $"Orleans:GatewayPort must be a TCP port (got {GatewayPort}).";
        }

        if (MetricsPort is < 1 or > 65535)
        {
            yield return $"Metrics:Port must be a TCP port (got {MetricsPort}).";
        }

        if (Orleans.DirectoryCacheSize < 0)
        {
            yield return $"Orleans:DirectoryCacheSize must be 0 (no cache) or more (got {Orleans.DirectoryCacheSize}).";
        }

        if (string.IsNullOrWhiteSpace(Orleans.ClusterId) || string.IsNullOrWhiteSpace(Orleans.ServiceId))
        {
            yield return "Orleans:ClusterId and Orleans:ServiceId must not be empty.";
        }

        if (Membership.ProbeTimeout <= TimeSpan.Zero)
        {
            yield return $"{MembershipSettings.SectionName}:ProbeTimeout must be more than zero (got {Membership.ProbeTimeout}).";
        }

        if (Membership.NumMissedProbesLimit < 1)
        {
            yield return $"{MembershipSettings.SectionName}:NumMissedProbesLimit must be at least 1 (got {Membership.NumMissedProbesLimit}).";
        }

        if (Membership.NumVotesForDeathDeclaration < 1 || Membership.NumVotesForDeathDeclaration > Membership.NumProbedSilos)
        {
            yield return $"{MembershipSettings.SectionName}:NumVotesForDeathDeclaration must be 1 to NumProbedSilos ({Membership.NumProbedSilos}) (got {Membership.NumVotesForDeathDeclaration}).";
        }

        if (Membership.TableRefreshTimeout <= TimeSpan.Zero || Membership.IAmAliveTablePublishTimeout <= TimeSpan.Zero)
        {
            yield return $"{MembershipSettings.SectionName}:TableRefreshTimeout and IAmAliveTablePublishTimeout must be more than zero.";
        }

        foreach (var (key, connectionString) in PostgresConnectionStrings)
        {
            if (PostgresConnectionStringProblem(connectionString) is { } problem)
            {
                yield return $"{key} is not a PostgreSQL connection string (Host=...;Port=...;Database=...;Username=...;Password=...): {problem}";
            }
        }

        if (string.IsNullOrWhiteSpace(RedisConfiguration))
        {
            yield return $"{RedisKey} must not be empty.";
        }
        else if (RedisConfigurationProblem() is { } problem)
        {
            yield return $"{RedisKey} is not a StackExchange.Redis configuration (host:port,password=...): {problem}";
        }
    }

    /// <summary>Shard i's own connection string where one is set, the shared one otherwise, with the key it came from.</summary>
    private static IReadOnlyList<(string Key, string Value)> PostgresByShard(IConfiguration configuration, int shardCount, bool isDevelopment)
    {
        var shared = (Key: PostgresKey, Value: configuration[PostgresKey] ?? (isDevelopment ? DevelopmentPostgres : string.Empty));
        return [.. Enumerable.Range(0, Math.Max(shardCount, 0)).Select(shard =>
            configuration[ShardPostgresKey(shard)] is { } own ? (ShardPostgresKey(shard), own) : shared)];
    }

    /// <summary>A shard database key past the shard count is a typo or a leftover: refused rather than ignored.</summary>
    private static IEnumerable<string> UnknownShardDatabaseKeys(IConfiguration configuration, int shardCount) =>
        configuration.GetSection("ConnectionStrings").GetChildren()
            .Where(entry => entry.Key.StartsWith("Postgres_", StringComparison.OrdinalIgnoreCase))
            .Where(entry => !int.TryParse(entry.Key.AsSpan("Postgres_".Length), NumberStyles.None, CultureInfo.InvariantCulture, out var shard) || shard >= shardCount)
            .Select(entry => $"ConnectionStrings:{entry.Key} names no shard: shards are 0 to {shardCount - 1} (Shard:Count is {shardCount}).");

    /// <summary>Why a connection string does not parse or names no server and database, or null. Never repeats the value: it holds a password.</summary>
    private static string? PostgresConnectionStringProblem(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString);
            return string.IsNullOrWhiteSpace(builder.Host) ? "it names no Host."
                : string.IsNullOrWhiteSpace(builder.Database) ? "it names no Database."
                : null;
        }
        catch (ArgumentException exception)
        {
            return exception.Message;
        }
    }

    /// <summary>Why the Redis configuration does not parse, or null. Says what is wrong without repeating the value: it may hold a password.</summary>
    private string? RedisConfigurationProblem()
    {
        try
        {
            ConfigurationOptions.Parse(RedisConfiguration);
            return null;
        }
        catch (ArgumentException exception)
        {
            return exception.Message;
        }
    }
}
