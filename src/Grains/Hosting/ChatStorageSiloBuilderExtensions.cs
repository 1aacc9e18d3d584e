using Microsoft.Extensions.DependencyInjection;
using WhatsApp.Grains.Conversations;
using WhatsApp.Grains.Media;
using WhatsApp.Grains.Operations;
using WhatsApp.Grains.Storage;
using WhatsApp.Telemetry.Hosting;

namespace WhatsApp.Grains.Hosting;

public static class ChatStorageSiloBuilderExtensions
{
    /// <summary>
    /// The rows the chat writes itself through Npgsql (messages, chat lists, the directory, media), each in its shard's
    /// database, with a group-commit writer per database. Grain state (accounts, conversation marks) stays with the
    /// Orleans storage provider.
    /// </summary>
    public static ISiloBuilder AddChatRows(this ISiloBuilder silo, ShardConnectionStrings connectionStrings)
    {
        silo.Services.AddMetrics();
        silo.Services.AddValidatedOptions<GroupCommitOptions, GroupCommitOptionsValidator>(GroupCommitOptions.SectionName);
        silo.Services.AddSingleton(connectionStrings);
        silo.Services.AddSingleton<ShardDatabases>();
        silo.Services.AddSingleton<ChatMetrics>();
        silo.Services.AddSingleton<MessageLog>();
        silo.Services.AddSingleton<ChatListStore>();
        silo.Services.AddSingleton<UserDirectoryStore>();
        silo.Services.AddSingleton<IMediaStore, PostgresMediaStore>();
        silo.Services.AddSingleton<AbandonedUploadSweeper>();
        silo.Services.AddHostedService(services => services.GetRequiredService<AbandonedUploadSweeper>());
        silo.Services.AddSingleton<StaleChatListLines>();
        silo.Services.AddHostedService<StaleLineRepairer>();
        silo.AddIncomingGrainCallFilter<StorageFailureFilter>();
        return silo;
    }
}
