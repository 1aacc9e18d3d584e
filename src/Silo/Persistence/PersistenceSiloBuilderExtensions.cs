using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Serialization;
using Orleans.Storage;
using WhatsApp.Grains;

namespace WhatsApp.Silo.Persistence;

public static class PersistenceSiloBuilderExtensions
{
    /// <summary>How long a starting silo waits for PostgreSQL before giving up.</summary>
    private static readonly TimeSpan WaitForDatabase = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Stores grain state in PostgreSQL through the Orleans ADO.NET provider, in the compact Orleans binary format
    /// (the provider's default is JSON with type names: larger, slower, and broken by a renamed type), after bringing
    /// the schema up to date.
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

        // The schema must exist before storage providers initialise and before the silo takes any grain.
        silo.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(services => new SchemaLifecycleParticipant(
            new PostgresSchema(connectionString, services.GetRequiredService<ILogger<PostgresSchema>>())));
        return silo;
    }

    private sealed class SchemaLifecycleParticipant(PostgresSchema schema) : ILifecycleParticipant<ISiloLifecycle>
    {
        public void Participate(ISiloLifecycle lifecycle) => lifecycle.Subscribe(
            nameof(SchemaLifecycleParticipant),
            ServiceLifecycleStage.RuntimeInitialize,
            cancellationToken => schema.MigrateAsync(WaitForDatabase, cancellationToken));
    }
}
