using WhatsApp.Grains.Abstractions.Conversations;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Users;
using WhatsApp.Testing;

namespace WhatsApp.Cluster.Tests.Infrastructure;

/// <summary>What a client does, in the terms a test reads best.</summary>
public static class ChatActions
{
    public const string Password = "correct horse battery";

    /// <summary>
    /// Far cheaper than the gateway's shipped cost (OWASP's 600,000), on purpose: these tests register hundreds of users
    /// and test the grains, not the hash. One hash serves every registration.
    /// </summary>
    public const int TestHashIterations = 1_000;

    public static PasswordHash PasswordHash { get; } = PasswordHash.Create(Password, TestHashIterations);

    public static async Task<UserProfile> RegisterAsync(this IGrainFactory grains, long userId, string? name = null)
    {
        var result = await grains.GetGrain<IUserGrain>(userId).RegisterAsync(name ?? $"User {userId}", PasswordHash);
        Assert.True(result.IsSuccess, result.Error?.Detail);
        return result.Value.Profile;
    }

    /// <summary>What the gateway's login does with the grain: the profile when the password is the stored one's, else null.</summary>
    public static async Task<UserProfile?> SignInAsync(this IGrainFactory grains, long userId, string password) =>
        await grains.GetGrain<IUserGrain>(userId).GetCredentialsAsync() is { } credentials && credentials.Password.Matches(password)
            ? credentials.Profile
            : null;

    /// <summary>Two fresh registered users.</summary>
    public static async Task<(long Alice, long Bob)> RegisterPairAsync(this IGrainFactory grains)
    {
        var (alice, bob) = (TestIds.User(), TestIds.User());
        await grains.RegisterAsync(alice);
        await grains.RegisterAsync(bob);
        return (alice, bob);
    }

    public static IConversationGrain Conversation(this IGrainFactory grains, long userA, long userB) =>
        grains.GetGrain<IConversationGrain>(ConversationId.Direct(userA, userB).ToString());

    public static async Task<ChatMessage> SendAsync(this IGrainFactory grains, long from, long to, string content, string? clientMessageId = null)
    {
        var result = await grains.Conversation(from, to).SendAsync(from, content, clientMessageId);
        Assert.True(result.IsSuccess, result.Error?.Detail);
        return result.Value.Message;
    }

    /// <summary>The newest page of a user's chat list.</summary>
    public static async Task<IReadOnlyList<InboxEntry>> ChatListAsync(this IGrainFactory grains, long userId)
    {
        var page = await grains.GetGrain<IUserGrain>(userId).GetChatListAsync(null, MessageLimits.MaxPageSize);
        Assert.True(page.IsSuccess, page.Error?.Detail);
        return page.Value.Entries;
    }

    /// <summary>The whole conversation, walking pages back from the newest.</summary>
    public static Task<IReadOnlyList<ChatMessage>> HistoryAsync(this IGrainFactory grains, long asUser, long peer, int pageSize = 100) =>
        grains.Conversation(asUser, peer).HistoryAsync(asUser, pageSize);

    /// <summary>All of a conversation the user may read, walking pages back from the newest.</summary>
    public static async Task<IReadOnlyList<ChatMessage>> HistoryAsync(this IConversationGrain conversation, long asUser, int pageSize = 100)
    {
        var pages = new List<IReadOnlyList<ChatMessage>>();
        long? before = null;
        while (true)
        {
            var page = await conversation.GetHistoryAsync(asUser, before, pageSize);
            Assert.True(page.IsSuccess, page.Error?.Detail);
            pages.Add(page.Value.Messages);
            if (!page.Value.HasMore)
            {
                break;
            }

            before = page.Value.Messages[0].Sequence;
        }

        return [.. pages.AsEnumerable().Reverse().SelectMany(page => page)];
    }
}
