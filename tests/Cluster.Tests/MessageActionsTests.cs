using WhatsApp.Cluster.Tests.Infrastructure;
using WhatsApp.Grains.Abstractions.Conversations;
using WhatsApp.Grains.Abstractions.Groups;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Results;
using WhatsApp.Testing;

namespace WhatsApp.Cluster.Tests;

/// <summary>Replies, edits, deletes and reactions: who may do each, what storage keeps, and who is told.</summary>
[Collection(PostgresCollection.Name)]
public sealed class MessageActionsTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Reply_QuotesTheMessageOnAnyPageOfTheHistory_AndOnlyAReadableTextCanBeQuoted()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (ada, bob) = await cluster.Grains.RegisterPairAsync();
        var conversation = cluster.Grains.Conversation(ada, bob);
        var question = await cluster.Grains.SendAsync(ada, bob, "Lunch at noon?");
        await cluster.Grains.SendAsync(ada, bob, "or one?");

        var reply = (await conversation.SendAsync(bob, "Noon works", null, replyTo: question.Sequence)).Value!.Message;

        var lastPage = (await conversation.GetHistoryAsync(ada, null, 1)).Value!.Messages.Single();
        Assert.Equal((reply.Id, (long?)question.Sequence), (lastPage.Id, lastPage.ReplyTo));
        Assert.Equal(new MessageQuote(question.Sequence, ada, "Lunch at noon?", MessageKind.Text), lastPage.Quote);
        Assert.Equal(lastPage.Quote, reply.Quote);
        Assert.Equal(ChatErrorCode.InvalidSequence, (await conversation.SendAsync(bob, "to nothing", null, replyTo: 99)).Error?.Code);

        var (group, _) = await NewGroupAsync(cluster, ada, bob);
        var groupConversation = GroupConversation(cluster, group);
        var beforeDan = (await groupConversation.SendAsync(ada, "before Dan joined", null)).Value!.Message;
        var dan = TestIds.User();
        await cluster.Grains.RegisterAsync(dan);
        await group.AddMembersAsync(ada, [dan]);
        Assert.Equal(ChatErrorCode.MessageNotChangeable, (await groupConversation.SendAsync(ada, "quoting a change", null, replyTo: 1)).Error?.Code);
        Assert.Equal(ChatErrorCode.InvalidSequence, (await groupConversation.SendAsync(dan, "quoting before I came", null, replyTo: beforeDan.Sequence)).Error?.Code);
    }

    [Fact]
    public async Task Edit_ByTheAuthorWithinFifteenMinutes_ReplacesTheTextEverywhere_RepeatsAreSilent_OthersAndLateEditsAreRefused()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (ada, bob) = await cluster.Grains.RegisterPairAsync();
        var conversation = cluster.Grains.Conversation(ada, bob);
        await using var bobsPhone = await ObservedDevice.ConnectAsync(cluster, bob);
        var sent = await cluster.Grains.SendAsync(ada, bob, "See you at 5");

        var edited = await conversation.EditAsync(ada, sent.Sequence, "See you at 6");
        var again = await conversation.EditAsync(ada, sent.Sequence, "See you at 6");

        Assert.True(edited.IsSuccess, edited.Error?.Detail);
        Assert.Equal(("See you at 6", sent.Sequence), (edited.Value.Content, edited.Value.Sequence));
        Assert.NotNull(edited.Value.EditedAt);
        Assert.Equal(edited.Value.EditedAt, again.Value!.EditedAt);
        Assert.Equal("See you at 6", (await bobsPhone.NextAsync<ChangedMessage>()).Message.Content);
        Assert.Equal("See you at 6", (await cluster.Grains.HistoryAsync(bob, ada)).Single().Content);
        Assert.Equal("See you at 6", (await cluster.Grains.ChatListAsync(bob)).Single().LastMessage.Content);
        Assert.Equal(ChatErrorCode.NotMessageAuthor, (await conversation.EditAsync(bob, sent.Sequence, "See you never")).Error?.Code);
        Assert.Equal(ChatErrorCode.InvalidContent, (await conversation.EditAsync(ada, sent.Sequence, "  ")).Error?.Code);
        await conversation.EditAsync(ada, sent.Sequence, "See you at 7");
        Assert.Equal("See you at 7", (await bobsPhone.NextAsync<ChangedMessage>()).Message.Content); // the repeat told nobody

        var late = await cluster.Grains.SendAsync(ada, bob, "sent long ago");
        await postgres.Server.QueryScalarAsync<int>(
            $"UPDATE chat_message SET created_at = created_at - interval '16 minutes' WHERE service_id = '{cluster.ServiceId}' AND conversation_id = '{late.ConversationId}' AND sequence = {late.Sequence} RETURNING 1");
        Assert.Equal(ChatErrorCode.MessageNotChangeable, (await conversation.EditAsync(ada, late.Sequence, "rewritten history")).Error?.Code);
        Assert.Equal(ChatErrorCode.MessageNotChangeable, (await conversation.EditAsync(ada, late.Sequence, "sent long ago")).Error?.Code);
        Assert.Equal("sent long ago", (await cluster.Grains.HistoryAsync(bob, ada))[^1].Content);
    }

    [Fact]
    public async Task Delete_ByTheAuthor_LeavesATombstoneAndNoCopyOfTheText_OthersAreRefused()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (ada, bob) = await cluster.Grains.RegisterPairAsync();
        var conversation = cluster.Grains.Conversation(ada, bob);
        await using var bobsPhone = await ObservedDevice.ConnectAsync(cluster, bob);
        await cluster.Grains.SendAsync(ada, bob, "first");
        var secret = await cluster.Grains.SendAsync(ada, bob, "my secret 7f3a");
        await conversation.ReactAsync(bob, secret.Sequence, "😮");

        Assert.Equal(ChatErrorCode.NotMessageAuthor, (await conversation.DeleteAsync(bob, secret.Sequence)).Error?.Code);
        var deleted = await conversation.DeleteAsync(ada, secret.Sequence);
        var deletedAgain = await conversation.DeleteAsync(ada, secret.Sequence);

        Assert.Equal((MessageKind.Deleted, "", secret.Sequence), (deleted.Value!.Kind, deleted.Value.Content, deleted.Value.Sequence));
        Assert.Null(deleted.Value.Reactions);
        Assert.True(deletedAgain.IsSuccess);
        Assert.Equal(MessageKind.Deleted, (await bobsPhone.NextAsync<ChangedMessage>(changed => changed.Message.Kind == MessageKind.Deleted)).Message.Kind);
        Assert.Equal([MessageKind.Text, MessageKind.Deleted], (await cluster.Grains.HistoryAsync(bob, ada)).Select(message => message.Kind));
        Assert.Equal(0, await postgres.Server.QueryScalarAsync<long>(
            $"SELECT (SELECT count(*) FROM chat_message WHERE content LIKE '%secret 7f3a%') + (SELECT count(*) FROM chat_list_entry WHERE last_preview LIKE '%secret 7f3a%')"));
        Assert.Equal(ChatErrorCode.MessageNotChangeable, (await conversation.EditAsync(ada, secret.Sequence, "back again")).Error?.Code);
        Assert.Equal(ChatErrorCode.MessageNotChangeable, (await conversation.ReactAsync(bob, secret.Sequence, "👍")).Error?.Code);
        var replyToDeleted = await conversation.SendAsync(bob, "what was it?", null, replyTo: secret.Sequence);
        Assert.Equal(ChatErrorCode.MessageNotChangeable, replyToDeleted.Error?.Code);
    }

    [Fact]
    public async Task React_OnePerMemberChangeableAndRemovable_EveryMemberIsToldOfChangesNotRepeats_NonMembersAndNonEmojiAreRefused()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (ada, bob) = await cluster.Grains.RegisterPairAsync();
        var (group, carol) = await NewGroupAsync(cluster, ada, bob);
        var conversation = GroupConversation(cluster, group);
        await using var adasPhone = await ObservedDevice.ConnectAsync(cluster, ada);
        var sent = (await conversation.SendAsync(ada, "Picnic on Sunday!", null)).Value!.Message;

        await conversation.ReactAsync(bob, sent.Sequence, "👍");
        await conversation.ReactAsync(carol, sent.Sequence, "❤️");
        await conversation.ReactAsync(bob, sent.Sequence, "😂");
        await conversation.ReactAsync(bob, sent.Sequence, "😂");
        var afterRemoval = await conversation.ReactAsync(carol, sent.Sequence, null);
        await conversation.ReactAsync(carol, sent.Sequence, null);

        Assert.Equal([new MessageReaction(bob, "😂")], afterRemoval.Value!.Reactions);
        Assert.Equal([new MessageReaction(bob, "😂")], (await conversation.HistoryAsync(carol))[^1].Reactions);
        var told = new List<IReadOnlyList<MessageReaction>?>();
        await conversation.ReactAsync(carol, sent.Sequence, "🎉");
        for (var i = 0; i < 5; i++)
        {
            told.Add((await adasPhone.NextAsync<ChangedMessage>()).Message.Reactions);
        }

        Assert.Equal(["👍", "👍❤️", "😂❤️", "😂", "😂🎉"], told.Select(reactions => string.Concat((reactions ?? []).OrderBy(reaction => reaction.UserId == bob ? 0 : 1).Select(reaction => reaction.Emoji))));
        var stranger = TestIds.User();
        await cluster.Grains.RegisterAsync(stranger);
        Assert.Equal(ChatErrorCode.NotParticipant, (await conversation.ReactAsync(stranger, sent.Sequence, "👎")).Error?.Code);
        Assert.Equal(ChatErrorCode.InvalidReaction, (await conversation.ReactAsync(bob, sent.Sequence, "nice")).Error?.Code);
        Assert.Equal(ChatErrorCode.InvalidSequence, (await conversation.ReactAsync(bob, 99, "👍")).Error?.Code);
    }

    private static IConversationGrain GroupConversation(ChatTestCluster cluster, IGroupGrain group) =>
        cluster.Grains.GetGrain<IConversationGrain>(ConversationId.Group(group.GetPrimaryKeyLong()).ToString());

    /// <summary>A group of the two and a third member; answers the group and the third member's id.</summary>
    private static async Task<(IGroupGrain Group, long Third)> NewGroupAsync(ChatTestCluster cluster, long admin, long member)
    {
        var third = TestIds.User();
        await cluster.Grains.RegisterAsync(third);
        var group = cluster.Grains.GetGrain<IGroupGrain>(TestIds.User());
        var created = await group.CreateAsync(admin, "Friends", [member, third]);
        Assert.True(created.IsSuccess, created.Error?.Detail);
        return (group, third);
    }
}
