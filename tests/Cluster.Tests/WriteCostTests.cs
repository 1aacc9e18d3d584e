using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using Orleans.Storage;
using WhatsApp.Cluster.Tests.Infrastructure;
using WhatsApp.Grains;
using WhatsApp.Grains.Storage;
using Xunit.Abstractions;
using WhatsApp.Testing;

namespace WhatsApp.Cluster.Tests;

[Collection(PostgresCollection.Name)]
public sealed class WriteCostTests(PostgresFixture postgres, ITestOutputHelper output)
{
    [Fact(Timeout = 600_000)]
    public async Task SendAsync_IntoConversationHolding10000Messages_WritesNoMoreThanIntoANewOne()
    {
        var meter = new StorageWriteMeter();
        await using var cluster = await ChatTestCluster.StartAsync(postgres.ConnectionString, configureSilo: silo =>
            silo.Services.AddKeyedSingleton<IGrainStorageSerializer>(StorageNames.Chat, (services, _) =>
                new MeteredSerializer(new OrleansGrainStorageSerializer(services.GetRequiredService<Serializer>()), meter)));
        var (alice, bob, carol) = (TestIds.User(), TestIds.User(), TestIds.User());
        await cluster.Grains.RegisterAsync(alice);
        await cluster.Grains.RegisterAsync(bob);
        await cluster.Grains.RegisterAsync(carol);

        // The most one send can cost in a new conversation: over a whole bucket, the last append writes the fullest row.
        var costInNewConversation = new List<long>();
        for (var i = 0; i < MessageBuckets.Size; i++)
        {
            costInNewConversation.Add(await meter.BytesWrittenByAsync(() => cluster.Grains.SendAsync(alice, carol, "same size text")));
        }

        for (var batch = 0; batch < 100; batch++)
        {
            // The conversation handles sends one at a time anyway; batching only saves the client's round trips.
            await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => cluster.Grains.SendAsync(alice, bob, "same size text")));
        }

        var costInLongConversation = await meter.BytesWrittenByAsync(() => cluster.Grains.SendAsync(alice, bob, "same size text"));
        output.WriteLine($"Bytes written per send: new conversation {costInNewConversation[0]} (first) to {costInNewConversation.Max()} (fullest bucket); " +
            $"after 10,000 messages {costInLongConversation}");

        Assert.True(costInLongConversation <= costInNewConversation.Max(),
            $"A send into a 10,000-message conversation wrote {costInLongConversation} bytes; into a new one at most {costInNewConversation.Max()}.");
        Assert.True(costInLongConversation < 64 * 1024, $"One send wrote {costInLongConversation} bytes.");
    }

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
