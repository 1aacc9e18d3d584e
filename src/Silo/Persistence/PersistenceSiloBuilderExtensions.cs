using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Serialization;
using Orleans.Storage;
using WhatsApp.Grains;
using WhatsApp.Grains.Hosting;
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
    /// own rows (messages, chat lists, directory) through Npgsql, after bringing schema and data up to date.
    /// </summary>
    public static ISiloBuilder AddChatPersistence(this ISiloBuilder silo, string configuredConnectionString)
    {
        var connectionString = ForHotPath(configuredConnectionString);
        silo.AddAdoNetGrainStorage(StorageNames.Chat, options =>
        {
            options.Invariant = "Npgsql";
            options.ConnectionString = connectionString;
        });

        // The same storage behind a translator of outages (the last keyed registration wins; Orleans starts the storage
        // through the translator, which passes its lifecycle on).
        silo.Services.AddKeyedSingleton<IGrainStorage>(
            StorageNames.Chat,
            (services, name) => new OutageTranslatingGrainStorage(AdoNetGrainStorageFactory.Create(services, (string)name!)));
        silo.Services.AddKeyedSingleton<IGrainStorageSerializer>(
            StorageNames.Chat,
            (services, _) => new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>()));
        silo.AddChatRows(connectionString);

        // The schema and the data must be current before storage providers initialise and the silo takes any grain.
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(services => new SchemaLifecycleParticipant(
            new PostgresSchema(connectionString, services.GetRequiredService<ILogger<PostgresSchema>>()),
            new FirstVersionMigration(
                connectionString,
                services.GetRequiredKeyedService<IGrainStorageSerializer>(StorageNames.Chat),
                services.GetRequiredService<ILogger<FirstVersionMigration>>())));
        return silo;
    }

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

    private sealed class SchemaLifecycleParticipant(PostgresSchema schema, FirstVersionMigration firstVersion) : ILifecycleParticipant<ISiloLifecycle>
    {
        public void Participate(ISiloLifecycle lifecycle) => lifecycle.Subscribe(
            nameof(SchemaLifecycleParticipant),
            ServiceLifecycleStage.RuntimeInitialize,
            async cancellationToken =>
            {
                await schema.MigrateAsync(WaitForDatabase, cancellationToken);
                await firstVersion.MigrateAsync(cancellationToken);
            });
    }
}
