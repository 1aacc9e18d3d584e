using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Users;

namespace WhatsApp.Grains.Users;

/// <summary>Whom the user chats with, for a search by name that looks no further: the directory is no list of everyone.</summary>
public sealed partial class UserGrain
{
    public async Task<RecentChats> GetRecentChatsAsync()
    {
        var people = new List<long>();
        var groups = new List<long>();
        foreach (var conversationId in await chatLists.RecentConversationsAsync(UserId, UserLimits.SearchedChats))
        {
            if (!ConversationId.TryParse(conversationId, out var conversation))
            {
                continue;
            }

            if (conversation.IsGroup)
            {
                groups.Add(conversation.First);
            }
            else if (conversation.Includes(UserId))
            {
                people.Add(conversation.PeerOf(UserId));
            }
        }

        return new RecentChats(people, groups);
    }
}
