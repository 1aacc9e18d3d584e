using WhatsApp.Cluster.Tests.Infrastructure;
using WhatsApp.Testing;

namespace WhatsApp.Cluster.Tests;

/// <summary>A wrong setting stops the real silo process at start, with a message that names the key.</summary>
[Collection(ProcessCollection.Name)]
[Trait(TestCategories.Name, TestCategories.System)]
public sealed class SiloConfigurationTests
{
    [Theory]
    [InlineData("Metrics__Port", "70000", "Metrics:Port must be a TCP port (got 70000)")]
    [InlineData("Metrics__Port", "0", "Metrics:Port must be a TCP port (got 0)")]
    [InlineData("Chat__MaxGroupsCreatedPerDay", "0", "Chat:MaxGroupsCreatedPerDay must be at least 1.")]
    [InlineData("SignIn__FirstBackoff", "00:00:00", "SignIn:FirstBackoff must be positive.")]
    [InlineData("ConnectionStrings__Redis", "127.0.0.1:6379,passwrd=not-shown", "ConnectionStrings:Redis is not a StackExchange.Redis configuration (host:port,password=...): Keyword 'passwrd' is not supported")]
    [InlineData("Orleans__Membership__NumVotesForDeathDeclaration", "0", "Orleans:Membership:NumVotesForDeathDeclaration must be 1 to NumProbedSilos")]
    [InlineData("Orleans__Membership__ProbeTimeout", "-00:00:01", "Orleans:Membership:ProbeTimeout must be more than zero")]
    [InlineData("ConnectionStrings__Postgres_1", "Host=127.0.0.1;Databse=whatsapp;Password=not-shown", "ConnectionStrings:Postgres_1 is not a PostgreSQL connection string")]
    [InlineData("ConnectionStrings__Postgres_2", "Host=127.0.0.1;Password=not-shown", "ConnectionStrings:Postgres_2 is not a PostgreSQL connection string (Host=...;Port=...;Database=...;Username=...;Password=...): it names no Database.")]
    [InlineData("ConnectionStrings__Postgres", "Port=5432;Database=whatsapp", "ConnectionStrings:Postgres is not a PostgreSQL connection string (Host=...;Port=...;Database=...;Username=...;Password=...): it names no Host.")]
    [InlineData("ConnectionStrings__Postgres_3", "Host=127.0.0.1;Database=whatsapp", "ConnectionStrings:Postgres_3 names no shard: shards are 0 to 2 (Shard:Count is 3).")]
    public async Task SiloProcess_WithABadSetting_StopsAtStartNamingTheKey(string key, string value, string message)
    {
        // Settings are checked before the silo reaches PostgreSQL or Redis, so none is needed here.
        await using var silo = HostProcess.Start("Silo", "silo-bad-setting", new Dictionary<string, string> { [key] = value });

        Assert.True(await silo.WaitForExitAsync(TimeSpan.FromSeconds(30)), "the silo did not stop");
        Assert.NotEqual(0, silo.ExitCode);
        Assert.Contains(message, silo.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("not-shown", silo.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SiloProcess_OutsideDevelopmentWithNoDatabaseSet_StopsRatherThanTryADefaultLogin()
    {
        await using var silo = HostProcess.Start("Silo", "silo-no-database", new Dictionary<string, string>(), environmentName: "Production");

        Assert.True(await silo.WaitForExitAsync(TimeSpan.FromSeconds(30)), "the silo did not stop");
        Assert.NotEqual(0, silo.ExitCode);
        Assert.Contains("ConnectionStrings:Postgres is not set, and outside Development a silo has no default database login", silo.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ConnectionStrings__Postgres", "Host=127.0.0.1;Database=whatsapp", "split-databases: every shard uses ConnectionStrings:Postgres; set ConnectionStrings:Postgres_1 (and the others) to the new databases.", 2)]
    [InlineData("ConnectionStrings__Postgres_7", "Host=127.0.0.1;Database=whatsapp", "split-databases: ConnectionStrings:Postgres_7 names no shard", 2)]
    public async Task SplitDatabases_WithNothingToSplitOrABadKey_StopsSayingWhatToSet(string key, string value, string message, int exitCode)
    {
        await using var command = HostProcess.Start("Silo", "silo-split", new Dictionary<string, string> { [key] = value }, ["split-databases"]);

        Assert.True(await command.WaitForExitAsync(TimeSpan.FromSeconds(30)), "split-databases did not stop");
        Assert.Equal(exitCode, command.ExitCode);
        Assert.Contains(message, command.Output, StringComparison.Ordinal);
    }
}
