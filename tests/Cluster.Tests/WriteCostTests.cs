using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using WhatsApp.Cluster.Tests.Infrastructure;
using WhatsApp.Grains;
using WhatsApp.Testing;
using Xunit.Abstractions;

namespace WhatsApp.Cluster.Tests;

/// <summary>What one send writes stays the same however long the conversation and however many chats the sender has.</summary>
[Collection(PostgresCollection.Name)]
public sealed class WriteCostTests(PostgresFixture postgres, ITestOutputHelper output)
{
    [Fact]
    public async Task SendAsync_IntoA10000MessageConversationFromAUserWith50Chats_WritesOneMessageRowAndNoGrainState()
    {
        var meter = new StorageWriteMeter();
        await using var cluster = await ChatTestCluster.StartAsync(postgres.ConnectionString, configureSilo: silo =>
            silo.Services.AddKeyedSingleton<IGrainStorageSerializer>(StorageNames.Chat, (services, _) =>
                new MeteredSerializer(new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>()), meter)));
        var (alice, bob) = await cluster.Grains.RegisterPairAsync();
        var (carol, dave) = await cluster.Grains.RegisterPairAsync();
        for (var batch = 0; batch < 20; batch++)
        {
            await Task.WhenAll(Enumerable.Range(0, 500).Select(i => cluster.Grains.SendAsync(i % 2 == 0 ? alice : bob, i % 2 == 0 ? bob : alice, "same size text")));
        }

        foreach (var peer in Enumerable.Range(0, 50).Select(_ => TestIds.User()))
        {
            await cluster.Grains.RegisterAsync(peer);
            await cluster.Grains.SendAsync(alice, peer, "hello");
        }

        await cluster.Grains.SendAsync(carol, dave, "the first message checks that both are registered, once");

        var (freshBytes, freshRows) = await WrittenByAsync(meter, cluster, () => cluster.Grains.SendAsync(carol, dave, "same size text"));
        var (longBytes, longRows) = await WrittenByAsync(meter, cluster, () => cluster.Grains.SendAsync(alice, bob, "same size text"));
        output.WriteLine($"Fresh pair: {freshBytes} bytes of grain state, {freshRows} message rows; 10,000-message conversation of a user with 51 chats: {longBytes} bytes, {longRows} rows");

        Assert.Equal((0L, 1L), (freshBytes, freshRows));
        Assert.Equal((0L, 1L), (longBytes, longRows));
        Assert.Equal(51, (await cluster.Grains.ChatListAsync(alice)).Count);
    }

    private async Task<(long GrainStateBytes, long MessageRows)> WrittenByAsync(StorageWriteMeter meter, ChatTestCluster cluster, Func<Task> send)
    {
        var rowsBefore = await MessageRowsAsync(cluster);
        var bytes = await meter.BytesWrittenByAsync(send);
        return (bytes, await MessageRowsAsync(cluster) - rowsBefore);
    }

    private Task<long> MessageRowsAsync(ChatTestCluster cluster) =>
        postgres.Server.QueryScalarAsync<long>($"SELECT count(*) FROM chat_message WHERE service_id = '{cluster.ServiceId}'");

    private sealed class StorageWriteMeter
    {
        private long _bytes;

        public void Add(long bytes) => Interlocked.Add(ref _bytes, bytes);

        public async Task<long> BytesWrittenByAsync(Func<Task> action)
        {
            var before = Interlocked.Read(ref _bytes);
            await action();
            return Interlocked.Read(ref _bytes) - before;
        }
    }

    /// <summary>Counts the bytes of every grain state serialized for a write; reads only deserialize.</summary>
    private sealed class MeteredSerializer(IGrainStorageSerializer inner, StorageWriteMeter meter) : IGrainStorageSerializer
    {
        public BinaryData Serialize<T>(T? input)
        {
            var data = inner.Serialize(input);
            meter.Add(data.ToMemory().Length);
            return data;
        }

        public T? Deserialize<T>(BinaryData input) => inner.Deserialize<T>(input);
    }
}
