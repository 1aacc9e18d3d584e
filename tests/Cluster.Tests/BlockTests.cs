using WhatsApp.Cluster.Tests.Infrastructure;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Results;
using WhatsApp.Grains.Abstractions.Users;

namespace WhatsApp.Cluster.Tests;

/// <summary>A block lives in the blocker's grain and in the direct conversation, and both survive a new activation.</summary>
[Collection(PostgresCollection.Name)]
public sealed class BlockTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Block_SurvivesReactivation_TheBlockedOnesSendsAreRefusedAndTheirTypingToldToNobody()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (ada, bob) = await cluster.Grains.RegisterPairAsync();
        await cluster.Grains.SendAsync(bob, ada, "hi Ada");
        await using var adasPhone = await ObservedDevice.ConnectAsync(cluster, ada);

        Assert.True((await cluster.Grains.GetGrain<IUserGrain>(ada).BlockAsync(bob)).IsSuccess);
        await cluster.Cluster.DeactivateAsync(cluster.Grains.Conversation(ada, bob));
        await cluster.Cluster.DeactivateAsync(cluster.Grains.GetGrain<IUserGrain>(ada));

        var conversation = cluster.Grains.Conversation(ada, bob);
        Assert.Equal(ChatErrorCode.Blocked, (await conversation.SendAsync(bob, "still there?", null)).Error?.Code);
        Assert.True((await conversation.SetTypingAsync(bob, isTyping: true)).IsSuccess);
        Assert.Equal([bob], await cluster.Grains.GetGrain<IUserGrain>(ada).GetBlockedAsync());
        Assert.Equal(GroupAddAnswer.Blocked, await cluster.Grains.GetGrain<IUserGrain>(ada).AnswerGroupAddAsync(bob));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => adasPhone.NextAsync<TypingEvent>(within: TimeSpan.FromSeconds(1)));
        Assert.Equal(ChatErrorCode.InvalidUserId, (await cluster.Grains.GetGrain<IUserGrain>(ada).BlockAsync(ada)).Error?.Code);

        Assert.True((await cluster.Grains.GetGrain<IUserGrain>(ada).UnblockAsync(bob)).IsSuccess);
        Assert.True((await conversation.SendAsync(bob, "hello again", null)).IsSuccess);
    }
}
