using System.Text.RegularExpressions;

namespace WhatsApp.Launcher.Tests;

/// <summary>No Docker engine runs here, so the compose file is checked by docker-compose's own validation and against the design.</summary>
[Trait(TestCategories.Name, TestCategories.System)]
public sealed partial class ComposeFileTests
{
    /// <summary>The configuration keys of DESIGN.md (plus the advertised host silos need inside a container network).</summary>
    private static readonly HashSet<string> DesignKeys =
    [
        "ConnectionStrings__Postgres", "ConnectionStrings__Redis", "Shard__Index", "Shard__Count", "Orleans__ClusterId",
        "Orleans__ServiceId", "Orleans__SiloPort", "Orleans__GatewayPort", "Orleans__AdvertisedHost", "Jwt__SigningKey",
        "Gateway__AllowedOrigins", "Client__GatewayUrl", "ASPNETCORE_URLS", "Dashboard__Host", "Dashboard__Port",
    ];

    /// <summary>Every secret the compose file requires, with a value for validation only.</summary>
    private static readonly Dictionary<string, string> Secrets = new()
    {
        ["JWT_SIGNING_KEY"] = "dev-only-validation-key-0123456789abcdefghij",
        ["POSTGRES_PASSWORD"] = "validation-superuser-password",
        ["POSTGRES_SILO_PASSWORD"] = "validation-silo-password",
        ["REDIS_PASSWORD"] = "validation-redis-password",
    };

    [Fact]
    public async Task ComposeFile_Validates_AndEveryServiceAndSettingAgreesWithTheDesign()
    {
        var config = await ComposeConfigAsync(Secrets);

        var services = ServiceBlocks(config);
        Assert.Equal(["client", "gateway", "postgres", "redis", "silo-0", "silo-1", "silo-2"], services.Keys.Order());
        foreach (var (service, block) in services.Where(service => service.Key is not ("postgres" or "redis")))
        {
            var keys = SettingKey().Matches(block).Select(match => match.Groups[1].Value).ToList();
            Assert.All(keys, key => Assert.True(DesignKeys.Contains(key) || key.StartsWith("POSTGRES_", StringComparison.Ordinal), $"{service} sets {key}, which DESIGN.md does not name"));
            Assert.Contains("healthcheck:", block, StringComparison.Ordinal);
        }

        for (var shard = 0; shard < 3; shard++)
        {
            var silo = services[$"silo-{shard}"];
            Assert.Contains($"Shard__Index: '{shard}'", silo, StringComparison.Ordinal);
            Assert.Contains("Shard__Count: '3'", silo, StringComparison.Ordinal);
            Assert.Contains("condition: service_healthy", silo, StringComparison.Ordinal);
        }

        Assert.Contains("- published: 3000\n      target: 3000", services["gateway"], StringComparison.Ordinal); // the API and the hub
        Assert.Contains("- published: 8080\n      target: 8080", services["client"], StringComparison.Ordinal);
        Assert.Contains("postgres-data:/var/lib/postgresql/data", services["postgres"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ComposeFile_Dashboard_IsPublishedOnTheHostsLoopbackOnly()
    {
        var gateway = ServiceBlocks(await ComposeConfigAsync(Secrets))["gateway"];

        Assert.Contains("Dashboard__Port: '3001'", gateway, StringComparison.Ordinal);
        Assert.Contains("- 127.0.0.1:3001:3001/tcp", gateway, StringComparison.Ordinal);
        Assert.DoesNotContain("published: 3001", gateway, StringComparison.Ordinal); // the long form has no host address: every interface
    }

    [Fact]
    public async Task ComposeFile_Stores_AskForPasswordsAndTheSilosLogInAsTheirOwnRole()
    {
        var services = ServiceBlocks(await ComposeConfigAsync(Secrets));

        Assert.Contains("POSTGRES_INITDB_ARGS: --auth-local=scram-sha-256 --auth-host=scram-sha-256", services["postgres"], StringComparison.Ordinal);
        Assert.Contains("POSTGRES_HOST_AUTH_METHOD: scram-sha-256", services["postgres"], StringComparison.Ordinal);
        Assert.Contains("postgres/silo-role.sql:/whatsapp/silo-role.sql:ro", services["postgres"], StringComparison.Ordinal);
        Assert.Contains("postgres/init-silo-role.sh:/docker-entrypoint-initdb.d/init-silo-role.sh:ro", services["postgres"], StringComparison.Ordinal);
        Assert.Contains("redis-server --requirepass \"$$REDIS_PASSWORD\"", services["redis"], StringComparison.Ordinal);
        for (var shard = 0; shard < 3; shard++)
        {
            Assert.Contains("ConnectionStrings__Postgres: Host=postgres;Port=5432;Database=whatsapp;Username=whatsapp_silo;Password=validation-silo-password", services[$"silo-{shard}"], StringComparison.Ordinal);
            Assert.Contains("ConnectionStrings__Redis: redis:6379,password=validation-redis-password", services[$"silo-{shard}"], StringComparison.Ordinal);
        }

        Assert.Contains("ConnectionStrings__Redis: redis:6379,password=validation-redis-password", services["gateway"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task ComposeShardsFile_OverTheBase_AddsAPostgresPerShardAndGivesEverySiloEveryShardsDatabase()
    {
        var services = ServiceBlocks(await ComposeConfigAsync(Secrets, "docker-compose.shards.yml"));

        Assert.Equal(["client", "gateway", "postgres", "postgres-1", "postgres-2", "redis", "silo-0", "silo-1", "silo-2"], services.Keys.Order());
        Assert.Contains("postgres-1-data:/var/lib/postgresql/data", services["postgres-1"], StringComparison.Ordinal);
        Assert.Contains("postgres-2-data:/var/lib/postgresql/data", services["postgres-2"], StringComparison.Ordinal);
        Assert.Contains("POSTGRES_HOST_AUTH_METHOD: scram-sha-256", services["postgres-2"], StringComparison.Ordinal);
        for (var silo = 0; silo < 3; silo++)
        {
            var block = services[$"silo-{silo}"];
            Assert.Contains($"Shard__Index: '{silo}'", block, StringComparison.Ordinal);
            for (var shard = 0; shard < 3; shard++)
            {
                var host = shard == 0 ? "postgres" : $"postgres-{shard}";
                Assert.Contains($"ConnectionStrings__Postgres_{shard}: Host={host};Port=5432;Database=whatsapp;Username=whatsapp_silo;Password=validation-silo-password", block, StringComparison.Ordinal);
                Assert.Contains($"  {host}:\n        condition: service_healthy", block, StringComparison.Ordinal);
            }
        }
    }

    [Theory]
    [InlineData("JWT_SIGNING_KEY")]
    [InlineData("POSTGRES_PASSWORD")]
    [InlineData("POSTGRES_SILO_PASSWORD")]
    [InlineData("REDIS_PASSWORD")]
    public async Task ComposeFile_WithoutASecret_IsRefusedNamingIt(string secret)
    {
        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => ComposeConfigAsync(new Dictionary<string, string>(Secrets) { [secret] = "" }));

        Assert.Contains(secret, refusal.Message, StringComparison.Ordinal);
    }

    /// <summary>docker-compose's normalised configuration of the base file, and of an override file over it if one is named.</summary>
    private static Task<string> ComposeConfigAsync(IReadOnlyDictionary<string, string> secrets, string? overrideFile = null) => ExternalProcess.RunAsync(
        "docker-compose",
        ["-f", Path.Combine(RepositoryLayout.Root, "deploy", "docker-compose.yml"),
         .. overrideFile is null ? Array.Empty<string>() : ["-f", Path.Combine(RepositoryLayout.Root, "deploy", overrideFile)],
         "config"],
        TimeSpan.FromSeconds(60),
        secrets);

    /// <summary>Each service's block of the normalised configuration, by name.</summary>
    private static Dictionary<string, string> ServiceBlocks(string config)
    {
        var services = config[(config.IndexOf("\nservices:\n", StringComparison.Ordinal) + 11)..];
        var end = Regex.Match(services, "^\\S", RegexOptions.Multiline);
        services = end.Success ? services[..end.Index] : services;
        return ServiceHeader().Split(services).Skip(1).Chunk(2).ToDictionary(pair => pair[0], pair => pair[1]);
    }

    [GeneratedRegex("^  ([a-z0-9-]+):\\n", RegexOptions.Multiline)]
    private static partial Regex ServiceHeader();

    [GeneratedRegex("^\\s+([A-Za-z_]+(?:__[A-Za-z_]+)+|ASPNETCORE_URLS|POSTGRES_[A-Z_]+):", RegexOptions.Multiline)]
    private static partial Regex SettingKey();
}
