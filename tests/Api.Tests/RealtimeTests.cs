using Microsoft.AspNetCore.SignalR.Client;
using WhatsApp.Api.Tests.Infrastructure;

namespace WhatsApp.Api.Tests;

[Collection(InProcessChatSystemCollection.Name)]
public sealed class RealtimeTests(InProcessChatSystem fixture)
{
    [Fact]
    public async Task RestSend_RecipientConnectedInTwoTabs_BothTabsReceiveTheMessage()
    {
        using var anonymous = fixture.Api();
        var (alice, _) = await anonymous.RegisterAsync();
        var (bob, bobAuth) = await anonymous.RegisterAsync();
        await using var bobPhone = await HubSession.ConnectAsync(fixture.GatewayUrl, bobAuth.Token);
        await using var bobLaptop = await HubSession.ConnectAsync(fixture.GatewayUrl, bobAuth.Token);

        var sent = await alice.SendAsync(bobAuth.UserId, "Hello!");

        Assert.Equal(sent, await bobPhone.NextAsync<Message>());
        Assert.Equal(sent, await bobLaptop.NextAsync<Message>());
        Assert.Equal("sent", sent.Status);
        alice.Dispose();
        bob.Dispose();
    }

    [Fact]
    public async Task HubSend_ReturnsTheStoredMessage_AndTheRecipientAndTheSendersOtherTabReceiveIt()
    {
        using var anonymous = fixture.Api();
        var (_, aliceAuth) = await anonymous.RegisterAsync();
        var (_, bobAuth) = await anonymous.RegisterAsync();
        await using var aliceTab = await HubSession.ConnectAsync(fixture.GatewayUrl, aliceAuth.Token);
        await using var aliceOtherTab = await HubSession.ConnectAsync(fixture.GatewayUrl, aliceAuth.Token);
        await using var bobTab = await HubSession.ConnectAsync(fixture.GatewayUrl, bobAuth.Token);

        var sent = await aliceTab.Connection.InvokeAsync<Message>("SendMessage", bobAuth.UserId, "over the hub", "hub-1");

        Assert.Equal(1, sent.Sequence);
        Assert.Equal("hub-1", sent.ClientMessageId);
        Assert.Equal(sent, await bobTab.NextAsync<Message>());
        Assert.Equal(sent, await aliceOtherTab.NextAsync<Message>());
    }

    [Fact]
    public async Task Receipts_RecipientAcknowledgesAndReads_SenderGetsDeliveredThenReadAndSeesBlueTicks()
    {
        using var anonymous = fixture.Api();
        var (alice, aliceAuth) = await anonymous.RegisterAsync();
        var (_, bobAuth) = await anonymous.RegisterAsync();
        await using var aliceTab = await HubSession.ConnectAsync(fixture.GatewayUrl, aliceAuth.Token);
        await using var bobTab = await HubSession.ConnectAsync(fixture.GatewayUrl, bobAuth.Token);
        var sent = await alice.SendAsync(bobAuth.UserId, "did you get this?");
        var received = await bobTab.NextAsync<Message>();

        await bobTab.Connection.InvokeAsync("MarkDelivered", received.ConversationId, received.Sequence);
        var delivered = await aliceTab.NextAsync<ReceiptEvent>(receipt => receipt.Kind == "delivered");
        Assert.Equal("delivered", (await alice.HistoryAsync(aliceAuth.UserId, bobAuth.UserId)).Messages.Single().Status);

        await bobTab.Connection.InvokeAsync("MarkRead", received.ConversationId, received.Sequence);
        var read = await aliceTab.NextAsync<ReceiptEvent>(receipt => receipt.Kind == "read");

        Assert.Equal(new ReceiptEvent(sent.ConversationId, bobAuth.UserId, "delivered", sent.Sequence), delivered);
        Assert.Equal(new ReceiptEvent(sent.ConversationId, bobAuth.UserId, "read", sent.Sequence), read);
        Assert.Equal("read", (await alice.HistoryAsync(aliceAuth.UserId, bobAuth.UserId)).Messages.Single().Status);
        alice.Dispose();
    }

    [Fact]
    public async Task RestMarkRead_ClearsTheReadersUnreadCountAndTellsTheSender()
    {
        using var anonymous = fixture.Api();
        var (alice, aliceAuth) = await anonymous.RegisterAsync();
        var (bob, bobAuth) = await anonymous.RegisterAsync();
        await using var aliceTab = await HubSession.ConnectAsync(fixture.GatewayUrl, aliceAuth.Token);
        var last = await alice.SendAsync(bobAuth.UserId, "one");
        last = await alice.SendAsync(bobAuth.UserId, "two");

        using var marked = await bob.PostJsonAsync($"/api/conversations/{last.ConversationId}/read", new { upToSequence = last.Sequence });

        Assert.Equal(System.Net.HttpStatusCode.NoContent, marked.StatusCode);
        Assert.Equal(0, (await bob.InboxAsync()).Single().UnreadCount);
        Assert.Equal(last.Sequence, (await aliceTab.NextAsync<ReceiptEvent>(receipt => receipt.Kind == "read")).UpToSequence);
        alice.Dispose();
        bob.Dispose();
    }

    [Fact]
    public async Task Typing_SenderTypes_PeerSeesTypingStartAndStop()
    {
        using var anonymous = fixture.Api();
        var (alice, aliceAuth) = await anonymous.RegisterAsync();
        var (_, bobAuth) = await anonymous.RegisterAsync();
        var conversation = (await alice.SendAsync(bobAuth.UserId, "hi")).ConversationId;
        await using var aliceTab = await HubSession.ConnectAsync(fixture.GatewayUrl, aliceAuth.Token);
        await using var bobTab = await HubSession.ConnectAsync(fixture.GatewayUrl, bobAuth.Token);

        await aliceTab.Connection.InvokeAsync("Typing", conversation, true);
        Assert.Equal(new TypingEvent(conversation, aliceAuth.UserId, true), await bobTab.NextAsync<TypingEvent>());
        await aliceTab.Connection.InvokeAsync("Typing", conversation, false);
        Assert.Equal(new TypingEvent(conversation, aliceAuth.UserId, false), await bobTab.NextAsync<TypingEvent>());
        alice.Dispose();
    }

    [Fact]
    public async Task Presence_ContactConnectsAndLeaves_IsAnnouncedOnlineThenOfflineWithLastSeen()
    {
        using var anonymous = fixture.Api();
        var (alice, aliceAuth) = await anonymous.RegisterAsync();
        var (bob, bobAuth) = await anonymous.RegisterAsync();
        await alice.SendAsync(bobAuth.UserId, "we are contacts");
        await bob.SendAsync(aliceAuth.UserId, "we are");
        bob.Dispose();
        await using var aliceTab = await HubSession.ConnectAsync(fixture.GatewayUrl, aliceAuth.Token);

        var bobTab = await HubSession.ConnectAsync(fixture.GatewayUrl, bobAuth.Token);
        Assert.True((await aliceTab.NextAsync<PresenceEvent>(presence => presence.UserId == bobAuth.UserId)).Online);
        Assert.True((await alice.GetJsonAsync<UserView>($"/api/users/{bobAuth.UserId}")).Online);

        await bobTab.DisposeAsync();
        var offline = await aliceTab.NextAsync<PresenceEvent>(presence => presence.UserId == bobAuth.UserId);

        Assert.False(offline.Online);
        Assert.NotNull(offline.LastSeen);
        Assert.False((await alice.GetJsonAsync<UserView>($"/api/users/{bobAuth.UserId}")).Online);
        alice.Dispose();
    }

    [Fact]
    public async Task Offline_RecipientLogsInLater_FindsThreeUnreadAndThePageHoldsThem()
    {
        using var anonymous = fixture.Api();
        var (alice, aliceAuth) = await anonymous.RegisterAsync();
        var (bobAtRegistration, bobAuth) = await anonymous.RegisterAsync();
        bobAtRegistration.Dispose();
        foreach (var text in new[] { "are you there?", "hello?", "call me" })
        {
            await alice.SendAsync(bobAuth.UserId, text);
        }

        using var login = await anonymous.PostJsonAsync("/api/auth/login", new { userId = bobAuth.UserId, password = ChatApi.Password });
        using var bob = fixture.Api((await ChatApi.ReadAsync<AuthResponse>(login, System.Net.HttpStatusCode.OK)).Token);

        var inbox = await bob.InboxAsync();
        var entry = Assert.Single(inbox);
        Assert.Equal(3, entry.UnreadCount);
        Assert.Equal(aliceAuth.UserId, entry.Peer?.UserId);
        Assert.Equal("call me", entry.LastMessage.Content);
        var page = await bob.HistoryAsync(bobAuth.UserId, aliceAuth.UserId);
        Assert.Equal(["are you there?", "hello?", "call me"], page.Messages.Select(message => message.Content));
        Assert.False(page.HasMore);
        alice.Dispose();
    }
}
