using WhatsApp.Cluster.Tests.Infrastructure;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Realtime;
using WhatsApp.Grains.Abstractions.Results;
using WhatsApp.Grains.Abstractions.Users;
using WhatsApp.Testing;

namespace WhatsApp.Cluster.Tests;

[Collection(PostgresCollection.Name)]
public sealed class ReceiptsAndEventsTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Inbox_OfflineRecipientGetsThreeMessages_ShowsThreeUnreadUntilRead()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (alice, bob) = await cluster.Grains.RegisterPairAsync();
        for (var i = 1; i <= 3; i++)
        {
            await cluster.Grains.SendAsync(alice, bob, $"while you were out {i}");
        }

        var inbox = await cluster.Grains.ChatListAsync(bob);
        var entry = Assert.Single(inbox);
        Assert.Equal(3, entry.UnreadCount);
        Assert.Equal(alice, entry.PeerUserId);
        Assert.Equal("while you were out 3", entry.LastMessage.Content);
        Assert.Equal(0, (await cluster.Grains.ChatListAsync(alice)).Single().UnreadCount);

        await cluster.Grains.Conversation(alice, bob).MarkReadAsync(bob, 2);
        Assert.Equal(1, (await cluster.Grains.ChatListAsync(bob)).Single().UnreadCount);

        await cluster.Grains.SendAsync(bob, alice, "replying means I read it all");
        Assert.Equal(0, (await cluster.Grains.ChatListAsync(bob)).Single().UnreadCount);
        Assert.Equal(1, (await cluster.Grains.ChatListAsync(alice)).Single().UnreadCount);
    }

    [Fact]
    public async Task Inbox_SeveralConversations_ListsTheNewestFirst()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (alice, bob, carol) = (TestIds.User(), TestIds.User(), TestIds.User());
        await cluster.Grains.RegisterAsync(alice);
        await cluster.Grains.RegisterAsync(bob);
        await cluster.Grains.RegisterAsync(carol);

        await cluster.Grains.SendAsync(bob, alice, "older");
        await cluster.Grains.SendAsync(carol, alice, "newer");

        var inbox = await cluster.Grains.ChatListAsync(alice);
        Assert.Equal([carol, bob], inbox.Select(entry => entry.PeerUserId!.Value));
    }

    [Fact]
    public async Task MarkDeliveredThenRead_SenderSeesStatusAdvanceAndGetsReceipts()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (alice, bob) = await cluster.Grains.RegisterPairAsync();
        await using var aliceDevice = await ObservedDevice.ConnectAsync(cluster, alice);
        var message = await cluster.Grains.SendAsync(alice, bob, "tick tick");
        var conversation = cluster.Grains.Conversation(alice, bob);

        Assert.True((await conversation.MarkDeliveredAsync(bob, message.Sequence)).IsSuccess);
        var delivered = await aliceDevice.NextAsync<Receipt>(r => r.Kind == ReceiptKind.Delivered);
        Assert.Equal(MessageStatus.Delivered, (await cluster.Grains.HistoryAsync(alice, bob)).Single().Status);

        Assert.True((await conversation.MarkReadAsync(bob, message.Sequence)).IsSuccess);
        var read = await aliceDevice.NextAsync<Receipt>(r => r.Kind == ReceiptKind.Read);
        Assert.Equal(MessageStatus.Read, (await cluster.Grains.HistoryAsync(alice, bob)).Single().Status);

        Assert.Equal(new Receipt(message.ConversationId, bob, ReceiptKind.Delivered, message.Sequence), delivered);
        Assert.Equal(new Receipt(message.ConversationId, bob, ReceiptKind.Read, message.Sequence), read);
    }

    [Fact]
    public async Task Subscribe_TwoDevicesOfOneUser_BothReceiveMessagesAndTyping()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (alice, bob) = await cluster.Grains.RegisterPairAsync();
        await using var phone = await ObservedDevice.ConnectAsync(cluster, bob);
        await using var laptop = await ObservedDevice.ConnectAsync(cluster, bob);

        var sent = await cluster.Grains.SendAsync(alice, bob, "to every device");
        await cluster.Grains.Conversation(alice, bob).SetTypingAsync(alice, isTyping: true);

        foreach (var device in new[] { phone, laptop })
        {
            Assert.Equal(sent, await device.NextAsync<ChatMessage>());
            Assert.Equal(new TypingEvent(sent.ConversationId, alice, true), await device.NextAsync<TypingEvent>());
        }
    }

    [Fact]
    public async Task TypingAndMarks_ConversationWithNoMessages_AreRefusedAndNobodyIsTold()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (alice, bob) = await cluster.Grains.RegisterPairAsync();
        await using var bobDevice = await ObservedDevice.ConnectAsync(cluster, bob);
        var conversation = cluster.Grains.Conversation(alice, bob);

        var refusals = new[]
        {
            await conversation.SetTypingAsync(alice, isTyping: true),
            await conversation.MarkDeliveredAsync(alice, 1),
            await conversation.MarkReadAsync(alice, 1),
            await cluster.Grains.Conversation(alice, TestIds.User()).SetTypingAsync(alice, isTyping: true),
        };

        Assert.All(refusals, refusal => Assert.Equal(ChatErrorCode.NoConversation, refusal.Error?.Code));

        // Whatever the refused calls had pushed would reach Bob's device before the first message does.
        var sent = await cluster.Grains.SendAsync(alice, bob, "now there is a conversation");
        Assert.Equal(sent, await bobDevice.NextAsync<object>());
    }

    [Fact]
    public async Task GetProfileSeenBy_StrangerContactAndSelf_OnlySomeoneTheUserWroteToAndTheUserSeePresence()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (alice, bob) = await cluster.Grains.RegisterPairAsync();
        var stranger = TestIds.User();
        await cluster.Grains.RegisterAsync(stranger);
        await cluster.Grains.SendAsync(alice, bob, "hello, stranger");
        await using var bobDevice = await ObservedDevice.ConnectAsync(cluster, bob);
        var bobGrain = cluster.Grains.GetGrain<IUserGrain>(bob);

        // Writing to someone does not make you their contact: bob has not written to alice yet.
        Assert.Null((await bobGrain.GetProfileSeenByAsync(alice))!.Online);
        await cluster.Grains.SendAsync(bob, alice, "now we are contacts");

        var seenByStranger = await bobGrain.GetProfileSeenByAsync(stranger);
        var seenByContact = await bobGrain.GetProfileSeenByAsync(alice);
        var seenBySelf = await bobGrain.GetProfileSeenByAsync(bob);

        Assert.Equal(new UserProfile(bob, $"User {bob}", Shards.Of(bob, ChatTestCluster.ShardCount), null, null), seenByStranger);
        Assert.True(seenByContact!.Online);
        Assert.True(seenBySelf!.Online);
        Assert.Null(await cluster.Grains.GetGrain<IUserGrain>(TestIds.User()).GetProfileSeenByAsync(alice));
    }

    [Fact]
    public async Task Presence_UserConnectsAndDisconnects_ContactsAreToldAndLastSeenIsKept()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (alice, bob) = await cluster.Grains.RegisterPairAsync();
        await cluster.Grains.SendAsync(alice, bob, "we are contacts now");
        await cluster.Grains.SendAsync(bob, alice, "we are");
        await using var aliceDevice = await ObservedDevice.ConnectAsync(cluster, alice);

        var bobDevice = await ObservedDevice.ConnectAsync(cluster, bob);
        Assert.True((await aliceDevice.NextAsync<PresenceEvent>(p => p.UserId == bob)).Online);
        Assert.True((await cluster.Grains.GetGrain<IUserGrain>(bob).GetProfileAsync())!.Online);

        await bobDevice.DisposeAsync();
        var offline = await aliceDevice.NextAsync<PresenceEvent>(p => p.UserId == bob);
        Assert.False(offline.Online);
        Assert.NotNull(offline.LastSeen);
        var profile = await cluster.Grains.GetGrain<IUserGrain>(bob).GetProfileAsync();
        Assert.False(profile!.Online);
        Assert.Equal(offline.LastSeen, profile.LastSeen);
    }

    [Fact]
    public async Task Subscribe_UserGrainReactivatedAfterwards_StillPushesWithoutTheDeviceRenewing()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (alice, bob) = await cluster.Grains.RegisterPairAsync();
        await using var bobDevice = await ObservedDevice.ConnectAsync(cluster, bob);

        await cluster.Cluster.DeactivateAsync(cluster.Grains.GetGrain<IUserGrain>(bob));
        var sent = await cluster.Grains.SendAsync(alice, bob, "are you still listening?");

        Assert.Equal(sent, await bobDevice.NextAsync<ChatMessage>());
        Assert.True((await cluster.Grains.GetGrain<IUserGrain>(bob).GetProfileAsync())!.Online);
    }

    [Fact]
    public async Task Presence_StrangerConnects_IsNotAnnouncedToPeopleTheyHaveNotWrittenTo()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (alice, stranger, bob) = (TestIds.User(), TestIds.User(), TestIds.User());
        await cluster.Grains.RegisterAsync(alice);
        await cluster.Grains.RegisterAsync(stranger);
        await cluster.Grains.RegisterAsync(bob);
        await cluster.Grains.SendAsync(bob, alice, "contacts");
        await cluster.Grains.SendAsync(stranger, bob, "a stranger to alice, who has written to bob only");
        await using var aliceDevice = await ObservedDevice.ConnectAsync(cluster, alice);

        await using var strangerDevice = await ObservedDevice.ConnectAsync(cluster, stranger);
        await using var bobDevice = await ObservedDevice.ConnectAsync(cluster, bob);

        // Bob's announcement arrives after the stranger's would have (both go out in order); only Bob's is there.
        var first = await aliceDevice.NextAsync<PresenceEvent>();
        Assert.Equal(bob, first.UserId);
    }

    [Fact]
    public async Task Push_ToAListenerWhoseGatewayIsGone_FailsOnceThenTheListenerIsDropped()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (alice, bob) = await cluster.Grains.RegisterPairAsync();
        var gone = new GoneGatewayListener();
        var goneReference = cluster.Client.CreateObjectReference<IGatewayObserver>(gone);
        await cluster.Grains.GetGrain<IUserGrain>(bob).SubscribeAsync(goneReference);
        await using var bobPhone = await ObservedDevice.ConnectAsync(cluster, bob);

        ChatMessage? last = null;
        for (var i = 1; i <= 3; i++)
        {
            last = await cluster.Grains.SendAsync(alice, bob, $"push {i}");
            await bobPhone.NextAsync<ChatMessage>(message => message.Sequence == last.Sequence);
        }

        // Every push reached the live device; the gone one was tried for the first message only.
        Assert.Equal(1, gone.Attempts);
        cluster.Client.DeleteObjectReference<IGatewayObserver>(goneReference);
    }

    /// <summary>A gateway that is gone: every push to it fails, as a call to a vanished client does.</summary>
    private sealed class GoneGatewayListener : IGatewayObserver
    {
        private int _attempts;

        public int Attempts => Volatile.Read(ref _attempts);

        public Task OnPushesAsync(IReadOnlyList<DevicePush> pushes)
        {
            Interlocked.Increment(ref _attempts);
            return Task.FromException(new InvalidOperationException("This gateway is gone."));
        }
    }
}
