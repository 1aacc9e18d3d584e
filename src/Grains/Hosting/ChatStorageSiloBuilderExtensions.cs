using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using WhatsApp.Grains.Diagnostics;
using WhatsApp.Grains.Storage;

namespace WhatsApp.Grains.Hosting;

public static class ChatStorageSiloBuilderExtensions
{
    private const int MaxConnections = 20;

    /// <summary>
    /// The rows the chat writes itself through Npgsql (messages, chat lists, the directory), with the silo's group
    /// commit writer. Grain state (accounts, conversation marks) stays with the Orleans storage provider.
    /// </summary>
    public static ISiloBuilder AddChatRows(this ISiloBuilder silo, string connectionString)
    {
        silo.Services.AddMetrics();
        silo.Services.AddOptions<GroupCommitOptions>()
            .BindConfiguration(GroupCommitOptions.SectionName)
            .Validate(options => options.MaxRowsPerCommit >= 1, $"{GroupCommitOptions.SectionName}:MaxRowsPerCommit must be at least 1.")
            .Validate(options => options.MaxConcurrentCommits >= 1, $"{GroupCommitOptions.SectionName}:MaxConcurrentCommits must be at least 1.")
            .ValidateOnStart();
        silo.Services.AddSingleton(_ => DataSourceFor(connectionString));
        silo.Services.AddSingleton<ChatDatabase>();
        silo.Services.AddSingleton<ChatMetrics>();
        silo.Services.AddSingleton<MessageLog>();
        silo.Services.AddSingleton<ChatListStore>();
        silo.Services.AddSingleton<UserDirectoryStore>();
        silo.AddIncomingGrainCallFilter<StorageFailureFilter>();
        return silo;
    }

    /// <summary>
    /// At most <see cref="MaxConnections"/> pooled connections per silo unless the connection string asks for fewer:
    /// group commits need two, and a burst of activations should queue for a connection rather than exhaust the
    /// server's max_connections, which every silo and the grain-state provider's own pool share.
    /// </summary>
    private static NpgsqlDataSource DataSourceFor(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.MaxPoolSize = Math.Min(builder.ConnectionStringBuilder.MaxPoolSize, MaxConnections);
        return builder.Build();
    }
}
