using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Serialization;
using Orleans.Storage;
using WhatsApp.Grains;
using WhatsApp.Grains.Hosting;
using WhatsApp.Grains.Placement;
using WhatsApp.Grains.Storage;
using WhatsApp.Silo.Persistence.FirstVersion;

namespace WhatsApp.Silo.Persistence;

public static class PersistenceSiloBuilderExtensions
{
    /// <summary>How long a starting silo waits for PostgreSQL before giving up.</summary>
    private static readonly TimeSpan WaitForDatabase = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Stores grain state in PostgreSQL through the Orleans ADO.NET provider, in the compact Orleans binary format
    /// (the provider's default is JSON with type names: larger, slower, and broken by a renamed type), and the chat's
    /// own rows (messages, chat lists, directory) through Npgsql, after bringing schema and data up to date. Each
    /// shard's data goes to that shard's database: one provider per database, chosen by the grain's home shard.
    /// </summary>
    public static ISiloBuilder AddChatPersistence(this ISiloBuilder silo, ShardConnectionStrings configured)
    {
        var connectionStrings = configured.Select(ForHotPath);
        var providerOfDatabase = connectionStrings.Distinct
            .Select((connectionString, index) => AddGrainStateProvider(silo, $"{StorageNames.Chat}-db{index}", connectionString))
            .ToList();
        silo.Services.AddKeyedSingleton<IGrainStorage>(StorageNames.Chat, (services, _) => new ShardRoutingGrainStorage(
            services.GetRequiredService<ShardMap>(),
            [.. Enumerable.Range(0, connectionStrings.ByShard.Count)
                .Select(shard => services.GetRequiredKeyedService<IGrainStorage>(providerOfDatabase[connectionStrings.DatabaseIndexOf(shard)]))]));
        AddBinaryStateSerializer(silo, StorageNames.Chat);
        silo.AddChatRows(connectionStrings);

        // Every shard database's schema and data must be current before storage providers initialise and the silo
        // takes any grain: after a failover this silo writes to any of them.
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(services => new SchemaLifecycleParticipant(
            [.. connectionStrings.Distinct.Select(connectionString => (
                new PostgresSchema(connectionString, services.GetRequiredService<ILogger<PostgresSchema>>()),
                new FirstVersionMigration(
                    connectionString,
                    services.GetRequiredKeyedService<IGrainStorageSerializer>(StorageNames.Chat),
                    services.GetRequiredService<ILogger<FirstVersionMigration>>())))]));
        return silo;
    }

    /// <summary>One database's grain-state provider, behind a translator of outages; returns its name.</summary>
    private static string AddGrainStateProvider(ISiloBuilder silo, string name, string connectionString)
    {
        silo.AddAdoNetGrainStorage(name, options =>
        {
            options.Invariant = "Npgsql";
            options.ConnectionString = connectionString;
        });

        // The last keyed registration wins; Orleans starts the storage through the translator, which passes its
        // lifecycle on.
        silo.Services.AddKeyedSingleton<IGrainStorage>(
            name,
            (services, key) => new OutageTranslatingGrainStorage(AdoNetGrainStorageFactory.Create(services, (string)key!), connectionString));
        AddBinaryStateSerializer(silo, name);
        return name;
    }

    private static void AddBinaryStateSerializer(ISiloBuilder silo, string name) =>
        silo.Services.AddKeyedSingleton<IGrainStorageSerializer>(
            name,
            (services, _) => new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>()));

    /// <summary>
    /// The same few statements run thousands of times a second, each on a pooled connection whose session nothing here
    /// changes. Left to defaults, PostgreSQL parses and plans every one again, and Npgsql resets each connection with
    /// DISCARD ALL when it goes back to the pool (which would also drop prepared statements): together most of the
    /// server's CPU under load. So statements used twice are prepared once per connection, and connections are not reset.
    /// Settings the connection string gives explicitly win.
    /// </summary>
    private static string ForHotPath(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var explicitKeys = builder.Keys.Cast<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (!explicitKeys.Contains("Max Auto Prepare"))
        {
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 2;
        }

        if (!explicitKeys.Contains("No Reset On Close"))
        {
            builder.NoResetOnClose = true;
        }

        return builder.ConnectionString;
    }

    private sealed class SchemaLifecycleParticipant(IReadOnlyList<(PostgresSchema Schema, FirstVersionMigration FirstVersion)> databases)
        : ILifecycleParticipant<ISiloLifecycle>
    {
        public void Participate(ISiloLifecycle lifecycle) => lifecycle.Subscribe(
            nameof(SchemaLifecycleParticipant),
            ServiceLifecycleStage.RuntimeInitialize,
            cancellationToken => Task.WhenAll(databases.Select(async database =>
            {
                await database.Schema.MigrateAsync(WaitForDatabase, cancellationToken);
                await database.FirstVersion.MigrateAsync(cancellationToken);
            })));
    }
}
