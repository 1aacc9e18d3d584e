using WhatsApp.Cluster.Tests.Infrastructure;
using WhatsApp.Grains.Abstractions.Conversations;
using WhatsApp.Grains.Abstractions.Groups;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Results;
using WhatsApp.Testing;

namespace WhatsApp.Cluster.Tests;

/// <summary>Messages in groups: stored once in the group's conversation, told to every member, read only by members.</summary>
[Collection(PostgresCollection.Name)]
public sealed class GroupChatTests(PostgresFixture postgres)
{
    private static readonly TimeSpan LineWait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Send_ToAGroup_IsStoredOnceAfterItsCreationAndEveryMembersDevicesGetIt()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (group, ada, bob, carol) = await NewGroupAsync(cluster);
        await using var bobsPhone = await ObservedDevice.ConnectAsync(cluster, bob);
        await using var carolsPhone = await ObservedDevice.ConnectAsync(cluster, carol);
        await using var adasLaptop = await ObservedDevice.ConnectAsync(cluster, ada);

        var first = await SendAsync(group, ada, "hello group");
        var second = await SendAsync(group, bob, "hello ada");

        var history = await group.Conversation.HistoryAsync(carol);
        Assert.Equal([1L, 2, 3], history.Select(message => message.Sequence));
        AssertChange(new GroupChange(GroupChangeKind.Created, ada, [ada, bob, carol], "Club"), history[0].Change);
        Assert.Equal(MessageKind.GroupChange, history[0].Kind);
        Assert.Equal(["hello group", "hello ada"], history.Skip(1).Select(message => message.Content));
        Assert.All(history, message => Assert.Equal((group.Id, (long?)null), (message.GroupId, message.ToUserId)));
        foreach (var device in new[] { bobsPhone, carolsPhone, adasLaptop })
        {
            Assert.Equal(first, await device.NextAsync<ChatMessage>(message => message.Sequence == first.Sequence));
            Assert.Equal(second, await device.NextAsync<ChatMessage>(message => message.Sequence == second.Sequence));
        }

        // Lines follow the acknowledgement: each member's chat list shows the group with its newest message.
        var carolsLine = await Eventually.ReturnsAsync(
            async () => (await cluster.Grains.ChatListAsync(carol)).SingleOrDefault(entry => entry.GroupId == group.Id),
            line => line?.LastMessage.Sequence == second.Sequence,
            LineWait,
            "Carol's chat-list line moved to the newest message");
        // Unread: being added (Ada created the group with her in it) and the two messages.
        Assert.Equal((3L, "hello ada", (long?)null), (carolsLine!.UnreadCount, carolsLine.LastMessage.Content, carolsLine.PeerUserId));
        var bobsLine = await Eventually.ReturnsAsync(
            async () => (await cluster.Grains.ChatListAsync(bob)).SingleOrDefault(entry => entry.GroupId == group.Id),
            line => line?.LastMessage.Sequence == second.Sequence,
            LineWait,
            "Bob's chat-list line moved to his own message");
        Assert.Equal(0, bobsLine!.UnreadCount);
    }

    [Fact]
    public async Task Send_SameClientMessageIdTwice_StoresOneMessage()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (group, ada, _, _) = await NewGroupAsync(cluster);

        var first = await group.Conversation.SendAsync(ada, "once", "retry-1");
        var again = await group.Conversation.SendAsync(ada, "once", "retry-1");

        Assert.Equal((first.Value!.Message.Id, false, true), (again.Value!.Message.Id, first.Value.WasDuplicate, again.Value.WasDuplicate));
        Assert.Equal(2, (await group.Conversation.HistoryAsync(ada)).Count);
    }

    [Fact]
    public async Task NonMember_IsRefusedSendingReadingMarkingTypingAndMessageInfo()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (group, ada, _, _) = await NewGroupAsync(cluster);
        var stranger = TestIds.User();
        await cluster.Grains.RegisterAsync(stranger);
        var sent = await SendAsync(group, ada, "members only");
        var conversation = group.Conversation;

        var refusals = new ChatError?[]
        {
            (await conversation.SendAsync(stranger, "let me in", null)).Error,
            (await conversation.GetHistoryAsync(stranger, null, 50)).Error,
            (await conversation.MarkReadAsync(stranger, sent.Sequence)).Error,
            (await conversation.MarkDeliveredAsync(stranger, sent.Sequence)).Error,
            (await conversation.SetTypingAsync(stranger, isTyping: true)).Error,
            (await conversation.GetMessageInfoAsync(stranger, sent.Sequence)).Error,
        };

        Assert.All(refusals, refusal => Assert.Equal(ChatErrorCode.NotParticipant, refusal?.Code));
        Assert.Equal(2, (await conversation.HistoryAsync(ada)).Count);
    }

    [Fact]
    public async Task RemovedMember_KeepsTheHistoryUpToTheirRemovalAndGetsNothingNew()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (group, ada, bob, carol) = await NewGroupAsync(cluster);
        await using var carolsPhone = await ObservedDevice.ConnectAsync(cluster, carol);
        await SendAsync(group, bob, "before");
        var carolsOwn = await SendAsync(group, carol, "carol's own");

        Assert.True((await group.Grain.RemoveMemberAsync(ada, carol)).IsSuccess);
        var after = await SendAsync(group, ada, "after carol left");

        var carolReads = await group.Conversation.HistoryAsync(carol);
        Assert.Equal(["", "before", "carol's own", ""], carolReads.Select(message => message.Content));
        AssertChange(new GroupChange(GroupChangeKind.Removed, ada, [carol], null), carolReads[^1].Change);
        Assert.Equal(ChatErrorCode.NotParticipant, (await group.Conversation.SendAsync(carol, "still here?", null)).Error?.Code);
        Assert.Equal(ChatErrorCode.NotParticipant, (await group.Conversation.MarkReadAsync(carol, after.Sequence)).Error?.Code);
        Assert.Equal(ChatErrorCode.NotParticipant, (await group.Grain.GetAsync(carol)).Error?.Code);

        // Carol's device got her removal; a direct message sent after the group's newest shows nothing else came.
        Assert.Equal(GroupChangeKind.Removed, (await carolsPhone.NextAsync<ChatMessage>(message => message.Kind == MessageKind.GroupChange && message.Sequence > 1)).Change!.Kind);
        var marker = await cluster.Grains.SendAsync(ada, carol, "marker");
        Assert.Equal(marker, await carolsPhone.NextAsync<ChatMessage>(message => message.GroupId is null || message.Sequence > carolReads[^1].Sequence));

        // The removal is where her chat-list line stops.
        var line = await Eventually.ReturnsAsync(
            async () => (await cluster.Grains.ChatListAsync(carol)).SingleOrDefault(entry => entry.GroupId == group.Id),
            entry => entry?.LastMessage.Sequence == carolReads[^1].Sequence,
            LineWait,
            "Carol's line shows her removal");
        Assert.Equal(MessageKind.GroupChange, line!.LastMessage.Kind);

        // What the conversation knows of her stay is rebuilt from storage by a new activation.
        await cluster.Cluster.DeactivateAsync(group.Conversation);
        Assert.Equal(carolReads.Select(message => message.Id), (await group.Conversation.HistoryAsync(carol)).Select(message => message.Id));
        Assert.Equal(ChatErrorCode.NotParticipant, (await group.Conversation.SendAsync(carol, "after a restart?", null)).Error?.Code);

        // Nothing more of the group reaches her, not even of her own old message: not a reaction to it, not who read it.
        await using var adasPhone = await ObservedDevice.ConnectAsync(cluster, ada);
        Assert.True((await group.Conversation.ReactAsync(bob, carolsOwn.Sequence, "👍")).IsSuccess);
        await adasPhone.NextAsync<ChangedMessage>();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => carolsPhone.NextAsync<ChangedMessage>(within: TimeSpan.FromSeconds(1)));
        Assert.Equal(ChatErrorCode.NotParticipant, (await group.Conversation.GetMessageInfoAsync(carol, carolsOwn.Sequence)).Error?.Code);
    }

    [Fact]
    public async Task Typing_FortyChangesFromOneMemberAtOnce_ReachTheOthersAtMostOncePerInterval_TheLatestStateLast()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (group, ada, bob, _) = await NewGroupAsync(cluster);
        await SendAsync(group, ada, "typing needs a first message");
        await using var adasPhone = await ObservedDevice.ConnectAsync(cluster, ada);

        for (var i = 0; i < 40; i++)
        {
            Assert.True((await group.Conversation.SetTypingAsync(bob, isTyping: i % 2 == 0)).IsSuccess);
        }

        // The first is told at once; the thirty-nine after it within the interval make one, the last state, when it ends.
        Assert.True((await adasPhone.NextAsync<TypingEvent>()).IsTyping);
        Assert.False((await adasPhone.NextAsync<TypingEvent>()).IsTyping);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => adasPhone.NextAsync<TypingEvent>(within: TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public async Task AddedMember_ReadsFromTheChangeThatAddedThem()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (group, ada, _, _) = await NewGroupAsync(cluster);
        var dan = TestIds.User();
        await cluster.Grains.RegisterAsync(dan);
        await SendAsync(group, ada, "before dan");

        await group.Grain.AddMembersAsync(ada, [dan]);
        await SendAsync(group, dan, "hi all");

        var dansView = await group.Conversation.HistoryAsync(dan);
        AssertChange(new GroupChange(GroupChangeKind.Added, ada, [dan], null), dansView[0].Change);
        Assert.Equal(["", "hi all"], dansView.Select(message => message.Content));
        var firstPage = (await group.Conversation.GetHistoryAsync(dan, null, 1)).Value!;
        Assert.True(firstPage.HasMore);
        Assert.False((await group.Conversation.GetHistoryAsync(dan, firstPage.Messages[0].Sequence, 50)).Value!.HasMore);
        Assert.Equal(4, (await group.Conversation.HistoryAsync(ada)).Count);
    }

    [Fact]
    public async Task Marks_TicksTurnBlueWhenEveryMemberHasRead_AndMessageInfoSaysWho()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (group, ada, bob, carol) = await NewGroupAsync(cluster);
        await using var adasPhone = await ObservedDevice.ConnectAsync(cluster, ada);
        var sent = await SendAsync(group, ada, "did everyone see this?");

        await group.Conversation.MarkReadAsync(bob, sent.Sequence);
        await group.Conversation.MarkDeliveredAsync(carol, sent.Sequence);

        var info = (await group.Conversation.GetMessageInfoAsync(ada, sent.Sequence)).Value!;
        Assert.Equal([bob], info.ReadBy);
        Assert.Equal([carol], info.DeliveredTo);
        Assert.Empty(info.Pending);
        var delivered = await adasPhone.NextAsync<Receipt>(receipt => receipt.Kind == ReceiptKind.Delivered);
        Assert.Equal(sent.Sequence, delivered.UpToSequence);
        Assert.Equal(MessageStatus.Delivered, (await group.Conversation.HistoryAsync(ada))[^1].Status);
        Assert.Equal(ChatErrorCode.NotMessageAuthor, (await group.Conversation.GetMessageInfoAsync(bob, sent.Sequence)).Error?.Code);

        await group.Conversation.MarkReadAsync(carol, sent.Sequence);

        var read = await adasPhone.NextAsync<Receipt>(receipt => receipt.Kind == ReceiptKind.Read);
        Assert.Equal((group.Conversation.GetPrimaryKeyString(), carol, sent.Sequence), (read.ConversationId, read.UserId, read.UpToSequence));
        Assert.Equal(MessageStatus.Read, (await group.Conversation.HistoryAsync(ada))[^1].Status);
        Assert.Equal([bob, carol], (await group.Conversation.GetMessageInfoAsync(ada, sent.Sequence)).Value!.ReadBy.Order());
    }

    [Fact]
    public async Task GroupChange_RecordedTwiceUnderOneId_IsStoredOnce_AndClientsCannotUseSuchIds()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (group, ada, bob, _) = await NewGroupAsync(cluster);
        var change = new GroupChange(GroupChangeKind.Renamed, ada, [], "Renamed twice");

        var first = await group.Conversation.RecordGroupChangeAsync(change, $"{MessageLimits.GroupChangeIdPrefix}test");
        var again = await group.Conversation.RecordGroupChangeAsync(change, $"{MessageLimits.GroupChangeIdPrefix}test");

        Assert.Equal(first.Value!.Id, again.Value!.Id);
        Assert.Equal(2, (await group.Conversation.HistoryAsync(bob)).Count);
        var posing = await group.Conversation.SendAsync(ada, "a change?", $"{MessageLimits.GroupChangeIdPrefix}2");
        Assert.Equal(ChatErrorCode.InvalidClientMessageId, posing.Error?.Code);
        Assert.Equal(ChatErrorCode.InvalidConversation, (await cluster.Grains.Conversation(ada, bob).RecordGroupChangeAsync(change, "x")).Error?.Code);
    }

    private static void AssertChange(GroupChange expected, GroupChange? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal((expected.Kind, expected.ActorId, expected.Name), (actual.Kind, actual.ActorId, actual.Name));
        Assert.Equal(expected.UserIds, actual.UserIds);
    }

    private static async Task<ChatMessage> SendAsync(TestGroup group, long from, string content)
    {
        var sent = await group.Conversation.SendAsync(from, content, null);
        Assert.True(sent.IsSuccess, sent.Error?.Detail);
        return sent.Value.Message;
    }

    private static async Task<(TestGroup Group, long Ada, long Bob, long Carol)> NewGroupAsync(ChatTestCluster cluster)
    {
        var (ada, bob) = await cluster.Grains.RegisterPairAsync();
        var carol = TestIds.User();
        await cluster.Grains.RegisterAsync(carol);
        var id = TestIds.User();
        var group = new TestGroup(id, cluster.Grains.GetGrain<IGroupGrain>(id), cluster.Grains.GetGrain<IConversationGrain>(ConversationId.Group(id).ToString()));
        var created = await group.Grain.CreateAsync(ada, "Club", [bob, carol]);
        Assert.True(created.IsSuccess, created.Error?.Detail);
        return (group, ada, bob, carol);
    }

    private sealed record TestGroup(long Id, IGroupGrain Grain, IConversationGrain Conversation);
}
