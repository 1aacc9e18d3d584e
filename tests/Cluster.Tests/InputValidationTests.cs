using WhatsApp.Cluster.Tests.Infrastructure;
using WhatsApp.Grains.Abstractions.Conversations;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Results;
using WhatsApp.Grains.Abstractions.Users;
using WhatsApp.Testing;

namespace WhatsApp.Cluster.Tests;

/// <summary>Every refusal is a typed error, and leaves no trace in state.</summary>
[Collection(PostgresCollection.Name)]
public sealed class InputValidationTests(PostgresFixture postgres)
{
    // Password lengths are the gateway's check (it hashes the password; the grain sees only the hash): MalformedRequestTests.
    public static TheoryData<long, string, ChatErrorCode> InvalidRegistrations => new()
    {
        { 0, "Zero", ChatErrorCode.InvalidUserId },
        { -5, "Negative", ChatErrorCode.InvalidUserId },
        { UserIds.MaxValue + 1, "Sixteen digits", ChatErrorCode.InvalidUserId },
        { TestIds.User(), "", ChatErrorCode.InvalidDisplayName },
        { TestIds.User(), "   ", ChatErrorCode.InvalidDisplayName },
        { TestIds.User(), new string('n', 65), ChatErrorCode.InvalidDisplayName },
        { TestIds.User(), "bell\a", ChatErrorCode.InvalidDisplayName },
        { TestIds.User(), "Ada \u202Eevol\u202C", ChatErrorCode.InvalidDisplayName },
        { TestIds.User(), "A\u200Bda", ChatErrorCode.InvalidDisplayName },
        { TestIds.User(), "\u2066Ada\u2069", ChatErrorCode.InvalidDisplayName },
    };

    [Theory]
    [MemberData(nameof(InvalidRegistrations))]
    public async Task RegisterAsync_InvalidData_IsRefusedAndRegistersNobody(long userId, string displayName, ChatErrorCode expected)
    {
        var cluster = await postgres.SharedClusterAsync();
        var user = cluster.Grains.GetGrain<IUserGrain>(userId);

        var result = await user.RegisterAsync(displayName, ChatActions.PasswordHash);

        Assert.Equal(expected, result.Error?.Code);
        Assert.Null(await user.GetProfileAsync());
    }

    [Fact]
    public async Task RegisterAsync_TakenId_IsRefusedAndKeepsTheFirstAccount()
    {
        var cluster = await postgres.SharedClusterAsync();
        var userId = TestIds.User();
        await cluster.Grains.RegisterAsync(userId, "First");

        var second = await cluster.Grains.GetGrain<IUserGrain>(userId)
            .RegisterAsync("Second", PasswordHash.Create("another password", ChatActions.TestHashIterations));

        Assert.Equal(ChatErrorCode.UserAlreadyRegistered, second.Error?.Code);
        Assert.Equal("First", (await cluster.Grains.SignInAsync(userId, ChatActions.Password))?.DisplayName);
        Assert.Null(await cluster.Grains.SignInAsync(userId, "another password"));
    }

    public static TheoryData<string, string?, ChatErrorCode> InvalidMessages => new()
    {
        { "", null, ChatErrorCode.InvalidContent },
        { " \n\t ", null, ChatErrorCode.InvalidContent },
        { new string('x', 4097), null, ChatErrorCode.InvalidContent },
        { "nul \0 inside", null, ChatErrorCode.InvalidContent }, // PostgreSQL cannot store it: found by the fuzz test
        { "bell \a inside", null, ChatErrorCode.InvalidContent },
        { "fine", "", ChatErrorCode.InvalidClientMessageId },
        { "fine", new string('c', 65), ChatErrorCode.InvalidClientMessageId },
        { "fine", "line\nbreak", ChatErrorCode.InvalidClientMessageId },
    };

    [Theory]
    [MemberData(nameof(InvalidMessages))]
    public async Task SendAsync_InvalidContentOrClientMessageId_IsRefusedAndStoresNothing(string content, string? clientMessageId, ChatErrorCode expected)
    {
        var cluster = await postgres.SharedClusterAsync();
        var (alice, bob) = await cluster.Grains.RegisterPairAsync();

        var result = await cluster.Grains.Conversation(alice, bob).SendAsync(alice, content, clientMessageId);

        Assert.Equal(expected, result.Error?.Code);
        Assert.Empty(await cluster.Grains.HistoryAsync(alice, bob));
        Assert.Empty(await cluster.Grains.ChatListAsync(bob));
    }

    [Fact]
    public async Task SendAsync_ContentWithLineBreaksTabsAndAnEmoji_IsStoredAsSent()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (alice, bob) = await cluster.Grains.RegisterPairAsync();
        const string content = "first line\r\n\tsecond line \ud83d\ude00 \ufffd";

        await cluster.Grains.SendAsync(alice, bob, content);

        Assert.Equal(content, Assert.Single(await cluster.Grains.HistoryAsync(bob, alice)).Content);
    }

    [Fact]
    public async Task SendAsync_ContentOfExactly4096CharactersAfterTrimming_IsStoredTrimmed()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (alice, bob) = await cluster.Grains.RegisterPairAsync();

        var message = await cluster.Grains.SendAsync(alice, bob, "  " + new string('x', 4096) + "\n");

        Assert.Equal(new string('x', 4096), message.Content);
    }

    [Fact]
    public async Task SendAsync_UnknownRecipient_IsRefusedAndStoresNothing()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (alice, nobody) = (TestIds.User(), TestIds.User());
        await cluster.Grains.RegisterAsync(alice);

        var result = await cluster.Grains.Conversation(alice, nobody).SendAsync(alice, "hello?", null);

        Assert.Equal(ChatErrorCode.UnknownRecipient, result.Error?.Code);
        Assert.Empty(await cluster.Grains.HistoryAsync(alice, nobody));
        Assert.Empty(await cluster.Grains.ChatListAsync(alice));
    }

    [Fact]
    public async Task SendAsync_RecipientRegistersRightAfterARefusal_TheNextFirstMessageToThemGoesThrough()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (alice, carol, latecomer) = (TestIds.User(), TestIds.User(), TestIds.User());
        await cluster.Grains.RegisterAsync(alice);
        await cluster.Grains.RegisterAsync(carol);
        Assert.Equal(ChatErrorCode.UnknownRecipient, (await cluster.Grains.Conversation(alice, latecomer).SendAsync(alice, "are you there?", null)).Error?.Code);

        await cluster.Grains.RegisterAsync(latecomer);

        // Neither the refusing conversation nor the silos remember someone they did not find.
        Assert.True((await cluster.Grains.Conversation(alice, latecomer).SendAsync(alice, "welcome", null)).IsSuccess);
        Assert.True((await cluster.Grains.Conversation(carol, latecomer).SendAsync(carol, "welcome too", null)).IsSuccess);
    }

    [Fact]
    public async Task ConversationGrain_CallerOutsideTheConversation_IsRefusedEverywhereAndChangesNothing()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (alice, bob, mallory) = (TestIds.User(), TestIds.User(), TestIds.User());
        await cluster.Grains.RegisterAsync(alice);
        await cluster.Grains.RegisterAsync(bob);
        await cluster.Grains.RegisterAsync(mallory);
        await cluster.Grains.SendAsync(alice, bob, "private");
        var conversation = cluster.Grains.Conversation(alice, bob);

        Assert.Equal(ChatErrorCode.NotParticipant, (await conversation.SendAsync(mallory, "let me in", null)).Error?.Code);
        Assert.Equal(ChatErrorCode.NotParticipant, (await conversation.GetHistoryAsync(mallory, null, 50)).Error?.Code);
        Assert.Equal(ChatErrorCode.NotParticipant, (await conversation.MarkReadAsync(mallory, 1)).Error?.Code);
        Assert.Equal(ChatErrorCode.NotParticipant, (await conversation.MarkDeliveredAsync(mallory, 1)).Error?.Code);
        Assert.Equal(ChatErrorCode.NotParticipant, (await conversation.SetTypingAsync(mallory, true)).Error?.Code);

        var history = await cluster.Grains.HistoryAsync(bob, alice);
        Assert.Equal(["private"], history.Select(m => m.Content));
        Assert.Equal(Grains.Abstractions.Messages.MessageStatus.Sent, history[0].Status);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(2)]
    [InlineData(long.MaxValue)]
    public async Task MarkReadAsync_SequenceOutsideTheConversation_IsRefusedAndKeepsTheMarks(long upToSequence)
    {
        var cluster = await postgres.SharedClusterAsync();
        var (alice, bob) = await cluster.Grains.RegisterPairAsync();
        await cluster.Grains.SendAsync(alice, bob, "one");

        var result = await cluster.Grains.Conversation(alice, bob).MarkReadAsync(bob, upToSequence);

        Assert.Equal(ChatErrorCode.InvalidSequence, result.Error?.Code);
        Assert.Equal(1, (await cluster.Grains.ChatListAsync(bob)).Single().UnreadCount);
    }

    [Theory]
    [InlineData(0, null, ChatErrorCode.InvalidPaging)]
    [InlineData(101, null, ChatErrorCode.InvalidPaging)]
    [InlineData(50, 0L, ChatErrorCode.InvalidSequence)]
    [InlineData(50, -3L, ChatErrorCode.InvalidSequence)]
    public async Task GetHistoryAsync_InvalidPaging_IsRefused(int limit, long? beforeSequence, ChatErrorCode expected)
    {
        var cluster = await postgres.SharedClusterAsync();
        var (alice, bob) = (TestIds.User(), TestIds.User());

        var result = await cluster.Grains.Conversation(alice, bob).GetHistoryAsync(alice, beforeSequence, limit);

        Assert.Equal(expected, result.Error?.Code);
    }

    [Theory]
    [InlineData("5-5")]
    [InlineData("9-4")]
    [InlineData("04-9")]
    [InlineData("not-a-conversation")]
    public async Task ConversationGrain_KeyThatIsNotACanonicalConversationId_RefusesEverything(string key)
    {
        var cluster = await postgres.SharedClusterAsync();
        var grain = cluster.Grains.GetGrain<IConversationGrain>(key);

        Assert.Equal(ChatErrorCode.InvalidConversation, (await grain.SendAsync(4, "x", null)).Error?.Code);
        Assert.Equal(ChatErrorCode.InvalidConversation, (await grain.GetHistoryAsync(4, null, 10)).Error?.Code);
    }
}
