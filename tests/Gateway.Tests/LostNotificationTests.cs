using WhatsApp.Testing;
using Xunit.Abstractions;

namespace WhatsApp.Gateway.Tests;

/// <summary>A message stored by a conversation whose silo dies before it is pushed: a system of its own, since silos die.</summary>
public sealed class LostNotificationTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    [Fact(Timeout = 300_000)]
    public async Task ConversationSiloDiesBetweenCommitAndPush_TheRecipientIsToldToCatchUp_AndItsChatListAndHistoryHaveTheMessage()
    {
        await using var system = await ChatSystem.StartAsync();
        try
        {
            // The conversation lives on Alice's shard (the lower id); Bob's grain, which would push to his tab, on another.
            const int conversationShard = 0, bobShard = 1;
            using var anonymous = new ChatApi(system.GatewayUrl);
            var (alice, _) = await Eventually.SucceedsAsync(() => anonymous.RegisterAsync(TestIds.User(conversationShard)), Bound, "Alice registered");
            var (bob, bobAuth) = await Eventually.SucceedsAsync(() => anonymous.RegisterAsync(TestIds.User(bobShard)), Bound, "Bob registered");
            await using var bobTab = await HubSession.ConnectAsync(system.GatewayUrl, bobAuth.Token);
            var first = await alice.SendAsync(bobAuth.UserId, "first", "first-1");
            Assert.Equal(first, await bobTab.NextAsync<Message>());

            // The window, made certain: Bob's silo is frozen before the send, so the conversation commits the message
            // (and acknowledges it) but its push to Bob's grain cannot be taken. Then both silos die: the push is gone
            // with them, and Bob's grain never ran it.
            await system.Silos[bobShard].FreezeAsync();
            var lost = await Eventually.SucceedsAsync(() => alice.SendAsync(bobAuth.UserId, "lost with the silo", "lost-1"), Bound, "the send acknowledged");
            await system.Silos[conversationShard].KillAsync();
            await system.Silos[bobShard].KillAsync();
            system.StartSilo(conversationShard);
            system.StartSilo(bobShard);

            Assert.True(await bobTab.ReceivesAsync<ResyncEvent>(Bound), "Bob's tab was not told to catch up after the silos left");
            var inbox = await Eventually.ReturnsAsync(bob.InboxAsync, lines => lines.Count == 1 && lines[0].LastMessage.Id == lost.Id, Bound, "Bob's chat list with the lost message");
            Assert.Equal(2, inbox[0].UnreadCount);
            var history = await Eventually.SucceedsAsync(() => bob.HistoryAsync(lost.FromUserId, bobAuth.UserId), Bound, "Bob's history");
            Assert.Equal([first.Id, lost.Id], history.Messages.Select(message => message.Id));
            alice.Dispose();
            bob.Dispose();
        }
        catch
        {
            output.WriteLine(system.Logs());
            throw;
        }
    }
}
