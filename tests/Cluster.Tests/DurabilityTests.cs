using WhatsApp.Cluster.Tests.Infrastructure;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Users;
using WhatsApp.Testing;

namespace WhatsApp.Cluster.Tests;

[Collection(PostgresCollection.Name)]
public sealed class DurabilityTests(PostgresFixture postgres)
{
    [Fact]
    public async Task WholeCluster_StoppedAndStartedAgainOnTheSamePostgres_KeepsHistoryInboxMarksAndAccounts()
    {
        var (alice, bob) = (TestIds.User(), TestIds.User());
        string serviceId;
        IReadOnlyList<ChatMessage> historyBefore;
        IReadOnlyList<InboxEntry> aliceInboxBefore, bobInboxBefore;
        await using (var first = await ChatTestCluster.StartAsync(postgres.ConnectionString))
        {
            serviceId = first.ServiceId;
            await first.Grains.RegisterAsync(alice, "Alice");
            await first.Grains.RegisterAsync(bob, "Bob");
            for (var i = 1; i <= 300; i++)
            {
                await first.Grains.SendAsync(i % 3 == 0 ? bob : alice, i % 3 == 0 ? alice : bob, $"message {i}", $"c{i}");
            }

            var conversation = first.Grains.Conversation(alice, bob);
            Assert.True((await conversation.MarkDeliveredAsync(bob, 290)).IsSuccess);
            Assert.True((await conversation.MarkReadAsync(bob, 250)).IsSuccess);
            historyBefore = await first.Grains.HistoryAsync(alice, bob);
            aliceInboxBefore = await first.Grains.ChatListAsync(alice);
            bobInboxBefore = await first.Grains.ChatListAsync(bob);
            await first.Grains.GetGrain<IUserGrain>(bob).RevokeTokensAsync();
            await first.Cluster.StopAllSilosAsync();
        }

        await using var second = await ChatTestCluster.StartAsync(postgres.ConnectionString, serviceId);

        var historyAfter = await second.Grains.HistoryAsync(alice, bob);
        Assert.Equal(historyBefore, historyAfter);
        Assert.Equal(300, historyAfter.Count);
        Assert.Equal(MessageStatus.Read, historyAfter.Single(m => m.Sequence == 250).Status);
        Assert.Equal(MessageStatus.Delivered, historyAfter.Single(m => m.Sequence == 290).Status);
        Assert.Equal(MessageStatus.Sent, historyAfter.Single(m => m.Sequence == 298).Status);
        Assert.Equal(aliceInboxBefore, await second.Grains.ChatListAsync(alice));
        Assert.Equal(bobInboxBefore, await second.Grains.ChatListAsync(bob));
        Assert.Equal("Alice", (await second.Grains.SignInAsync(alice, ChatActions.Password))?.DisplayName);
        Assert.Equal(1, await second.Grains.GetGrain<IUserGrain>(bob).GetTokenVersionAsync()); // signed out stays signed out

        // The sequence continues where it stopped, and old clientMessageIds are still recognised.
        Assert.Equal(301, (await second.Grains.SendAsync(alice, bob, "after the restart")).Sequence);
        Assert.True((await second.Grains.Conversation(alice, bob).SendAsync(alice, "message 1", "c1")).Value!.WasDuplicate);
    }
}
