using WhatsApp.Launcher.Plan;
using WhatsApp.Launcher.Stores;

namespace WhatsApp.Launcher.Tests;

/// <summary>
/// The plan the launcher makes from ./run's options: every host configured only by the environment variables the README
/// documents, logged in to the stores with the generated secrets, and the fault buttons' commands per shard database.
/// </summary>
public sealed class LocalRunPlanTests : IDisposable
{
    private readonly DataFolder _data = new();

    [Fact]
    public void Plan_WithADatabasePerShard_GivesEverySiloEveryShardsDatabaseAndEachDatabaseItsButtons()
    {
        var (plan, secrets) = PlanFor("--databases", "3", "--postgres-port", "5000", "--silo-port", "6000");

        Assert.Equal(["silo-0", "silo-1", "silo-2", "gateway", "client"], plan.Processes.Select(process => process.Name));
        var silo = plan.Processes.Single(process => process.Name == "silo-1");
        Assert.Equal((ProcessRole.Silo, 1), (silo.Role, silo.Shard));
        Assert.Equal("1", silo.Environment["Shard__Index"]);
        Assert.Equal("3", silo.Environment["Shard__Count"]);
        Assert.Equal("6001", silo.Environment["Orleans__SiloPort"]);
        Assert.Equal("Production", silo.Environment["DOTNET_ENVIRONMENT"]);
        var shardTwo = silo.Environment["ConnectionStrings__Postgres_2"];
        Assert.Contains("Port=5002;", shardTwo, StringComparison.Ordinal);
        Assert.Contains($"Username={LocalPostgres.SiloRole};Password={secrets.Get(Secrets.PostgresSiloPassword)}", shardTwo, StringComparison.Ordinal);
        Assert.EndsWith($"password={secrets.Get(Secrets.RedisPassword)}", silo.Environment["ConnectionStrings__Redis"], StringComparison.Ordinal);
        Assert.Equal(Path.Combine(LocalLayout.Repository, "src", "Silo", "bin", "Release", "net10.0"), silo.Directory);
        Assert.Equal(["dotnet", "WhatsApp.Silo.dll"], silo.Command);
        Assert.Equal(Path.Combine(_data.Path, "logs", "silo-1.log"), silo.Log);

        Assert.Equal([0, 1, 2], plan.Databases.Select(database => database.Shard));
        var database = plan.Databases[2];
        Assert.Equal(5002, database.Port);
        Assert.Contains("-p 5002 -c listen_addresses=127.0.0.1 -k " + Path.Combine(_data.Path, "postgres-2"), database.Start);
        Assert.Equal("start", database.Start[^1]);
        Assert.Equal(["-m", "immediate", "-w", "stop"], database.Stop.TakeLast(4));
    }

    [Fact]
    public void Plan_WithOneDatabase_OffersNoDatabaseButtons_AndTheHostsGetTheRunsSecrets()
    {
        var (plan, secrets) = PlanFor("--client-port", "7000", "--control-port", "7001");

        Assert.Empty(plan.Databases);
        Assert.DoesNotContain(plan.Processes.SelectMany(process => process.Environment.Keys), key => key.StartsWith("ConnectionStrings__Postgres_", StringComparison.Ordinal));
        var gateway = plan.Processes.Single(process => process.Role == ProcessRole.Gateway);
        Assert.Equal(Secrets.SigningKey(_data.Path), gateway.Environment["Jwt__SigningKey"]);
        Assert.Equal("http://localhost:7000,http://127.0.0.1:7000", gateway.Environment["Gateway__AllowedOrigins"]);
        var client = plan.Processes.Single(process => process.Role == ProcessRole.Client);
        Assert.Equal(secrets.Get(Secrets.LauncherControl), client.Environment["Client__ControlSecret"]);
        Assert.Equal("http://127.0.0.1:7001", client.Environment["Client__ControlUrl"]);
        Assert.Equal((7001, secrets.PathOf(Secrets.LauncherControl)), (plan.Control.Port, plan.Control.SecretFile));
    }

    [Fact]
    public void Secrets_AreGeneratedOnce_AndTheSameOnTheNextRun()
    {
        var first = new Secrets(Path.Combine(_data.Path, "secrets")).Get(Secrets.RedisPassword);

        var again = new Secrets(Path.Combine(_data.Path, "secrets")).Get(Secrets.RedisPassword);

        Assert.Matches("^[A-Za-z0-9_-]{32}$", first);
        Assert.Equal(first, again);
        Assert.NotEqual(first, new Secrets(Path.Combine(_data.Path, "secrets")).Get(Secrets.PostgresSiloPassword));
    }

    private (LaunchPlan Plan, Secrets Secrets) PlanFor(params string[] arguments)
    {
        var options = LaunchOptions.Parse([.. arguments, "--data", _data.Path])!;
        var layout = new LocalLayout(options.Data);
        var secrets = new Secrets(layout.Secrets);
        return (LocalRunPlan.For(options, layout, new LocalStores(options, layout, secrets), secrets), secrets);
    }

    public void Dispose() => _data.Dispose();
}
