using WhatsApp.Grains.Abstractions.Groups;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Users;

namespace WhatsApp.Grains.Users;

/// <summary>Whom the user may find by name: the people they already chat with, so the directory is no list of everyone.</summary>
public sealed partial class UserGrain
{
    public async Task<IReadOnlyList<long>> GetSearchablePeopleAsync()
    {
        var people = new HashSet<long> { UserId };
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

        // Asked together: a group answers its members only to a member, so a group the user left adds nobody.
        var views = await Task.WhenAll(groups.Select(groupId => GrainFactory.GetGrain<IGroupGrain>(groupId).GetAsync(UserId)));
        foreach (var member in views.Select(view => view.Value).OfType<GroupView>().SelectMany(group => group.Members))
        {
            if (people.Count >= UserLimits.MaxSearchedPeople)
            {
                break;
            }

            people.Add(member.UserId);
        }

        return [.. people];
    }
}
