using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Serialization;
using Orleans.Storage;
using WhatsApp.Grains;
using WhatsApp.Grains.Hosting;
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
    public static ISiloBuilder AddChatPersistence(this ISiloBuilder silo, string connectionString)
    {
        silo.AddAdoNetGrainStorage(StorageNames.Chat, options =>
        {
            options.Invariant = "Npgsql";
            options.ConnectionString = connectionString;
        });
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
