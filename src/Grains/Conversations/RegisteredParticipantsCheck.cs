using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Results;
using WhatsApp.Grains.Abstractions.Users;

namespace WhatsApp.Grains.Conversations;

/// <summary>
/// Before a conversation's first message, both participants must be registered. Concurrent first sends share one check;
/// a check that finds someone unregistered is not kept, since they may register a moment later. Nothing is written:
/// once a message is stored, the conversation's last sequence says the check was made. Runs on its grain's scheduler.
/// </summary>
internal sealed class RegisteredParticipantsCheck(ConversationId conversation, IGrainFactory grains)
{
    private Task<IReadOnlySet<long>>? _check;

    /// <summary>Why the sender may not start this conversation (they or the recipient are not registered), or null.</summary>
    public async Task<ChatError?> RefuseUnregisteredAsync(long senderId)
    {
        var check = _check ??= UnregisteredParticipantsAsync();
        IReadOnlySet<long> unregistered;
        try
        {
            unregistered = await check;
        }
        finally
        {
            if (_check == check && (!check.IsCompletedSuccessfully || check.Result.Count > 0))
            {
                _check = null;
            }
        }

        var recipientId = conversation.PeerOf(senderId);
        return unregistered.Contains(senderId) ? new ChatError(ChatErrorCode.UnknownUser, $"User {senderId} is not registered.")
            : unregistered.Contains(recipientId) ? new ChatError(ChatErrorCode.UnknownRecipient, $"User {recipientId} is not registered.")
            : null;
    }

    private async Task<IReadOnlySet<long>> UnregisteredParticipantsAsync()
    {
        var participants = conversation.DirectParticipants;
        var profiles = await Task.WhenAll(participants.Select(participant => grains.GetGrain<IUserGrain>(participant).GetProfileAsync()));
        return participants.Where((_, i) => profiles[i] is null).ToHashSet();
    }
}
