using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Npgsql;
using WhatsApp.Grains.Storage;
using WhatsApp.Silo.Hosting;

namespace WhatsApp.Silo.Persistence.Split;

/// <summary>
/// `dotnet WhatsApp.Silo.dll split-databases`: moves the rows of the database ConnectionStrings:Postgres names into the
/// databases ConnectionStrings:Postgres_N name, by shard (<see cref="ShardDatabaseSplit"/>). The same configuration
/// as the silos', so ./run and compose run it with what they give the silos. Run it with the silos stopped.
/// </summary>
public static class SplitDatabasesCommand
{
    public const string Name = "split-databases";

    public static async Task<int> RunAsync(IConfiguration configuration, bool isDevelopment, CancellationToken cancellationToken)
    {
        SiloSettings settings;
        try
        {
            settings = SiloSettings.Read(configuration, isDevelopment);
        }
        catch (OptionsValidationException exception)
        {
            await Console.Error.WriteLineAsync($"{Name}: {string.Join(" ", exception.Failures)}");
            return 2;
        }

        if (configuration[SiloSettings.PostgresKey] is not { } source)
        {
            await Console.Error.WriteLineAsync($"{Name}: set {SiloSettings.PostgresKey} to the database to split.");
            return 2;
        }

        if (settings.PostgresConnectionStrings.All(target => ChatDatabase.NameOf(target.Value) == ChatDatabase.NameOf(source)))
        {
            await Console.Error.WriteLineAsync($"{Name}: every shard uses {SiloSettings.PostgresKey}; set {SiloSettings.ShardPostgresKey(1)} (and the others) to the new databases.");
            return 2;
        }

        try
        {
            await new ShardDatabaseSplit(source, settings.PostgresConnectionStrings, Console.Out).RunAsync(cancellationToken);
            return 0;
        }
        catch (Exception exception) when (exception is InvalidOperationException or NpgsqlException)
        {
            await Console.Error.WriteLineAsync($"{Name} failed: {exception.Message}");
            return 1;
        }
    }
}
