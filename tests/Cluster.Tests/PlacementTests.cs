using WhatsApp.Cluster.Tests.Infrastructure;
using WhatsApp.Grains.Abstractions.Users;

namespace WhatsApp.Cluster.Tests;

[Collection(PostgresCollection.Name)]
public sealed class PlacementTests(PostgresFixture postgres)
{
    [Fact]
    public async Task UserGrain_Users1To30_ActivateOnTheSiloOwningTheirShard()
    {
        var cluster = await postgres.SharedClusterAsync();
        for (long userId = 1; userId <= 30; userId++)
        {
            var user = cluster.Grains.GetGrain<IUserGrain>(userId);
            await user.GetTokenVersionAsync(); // not a lookup of someone unregistered, whose activation would go at once

            Assert.Equal((int)(userId % 3), await cluster.ShardHostingAsync(user));
        }
    }

    [Theory]
    [InlineData(4, 9)]
    [InlineData(9, 4)]
    [InlineData(5, 30)]
    [InlineData(2, 3)]
    [InlineData(7, 1000)]
    public async Task ConversationGrain_TwoUsers_ActivatesOnTheShardOfTheLowerId(long userA, long userB)
    {
        var cluster = await postgres.SharedClusterAsync();
        var conversation = cluster.Grains.Conversation(userA, userB);
        await conversation.GetHistoryAsync(userA, null, 10);

        Assert.Equal((int)(Math.Min(userA, userB) % 3), await cluster.ShardHostingAsync(conversation));
    }

    [Fact]
    public async Task UserDirectoryGrain_EachShard_ActivatesOnItsOwnShard()
    {
        var cluster = await postgres.SharedClusterAsync();
        for (var shard = 0; shard < ChatTestCluster.ShardCount; shard++)
        {
            var directory = cluster.Grains.GetGrain<IUserDirectoryGrain>(shard);
            await directory.SearchAsync(null, [], 1);

            Assert.Equal(shard, await cluster.ShardHostingAsync(directory));
        }
    }
}
