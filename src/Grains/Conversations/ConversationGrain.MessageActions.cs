using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Results;
using WhatsApp.Grains.Storage;

namespace WhatsApp.Grains.Conversations;

/// <summary>
/// What participants do to messages already stored: reply to one, edit or delete their own, react to any. Each action
/// is one statement on the message's row; every participant who has the message is told how it stands now, and the
/// chat-list lines that show it are rewritten, so an edit or a delete leaves no old text behind. Repeating an action
/// changes nothing and tells nobody (a repeat is free to make, so it must be free to answer), except when the first
/// attempt stored its change and failed before it was told: then the repeat finishes the telling, so a retry is safe.
/// </summary>
public sealed partial class ConversationGrain
{
    // Sequences whose change is stored (or being stored) but not yet announced: only a repeat of one of these announces.
    private readonly HashSet<long> _changesNotAnnounced = [];

    public Task<ChatResult<ChatMessage>> EditAsync(long userId, long sequence, string content)
    {
        var normalized = MessageLimits.NormalizeContent(content);
        return !normalized.IsSuccess
            ? Task.FromResult(ChatResult.Fail<ChatMessage>(normalized.Error))
            : ChangeOwnMessageAsync(userId, sequence, MessageChange.Edit(normalized.Value, time.GetUtcNow()), original =>
                original.Kind == MessageKind.Deleted ? "A deleted message cannot be edited."
                : original.Kind != MessageKind.Text ? "Only a text can be edited; a medium and its caption stay as sent."
                : original.CreatedAt + MessageLimits.EditWindow < time.GetUtcNow() ? $"A message can be edited for {MessageLimits.EditWindow.TotalMinutes:0} minutes after it was sent."
                : null,
                unchanged: original => original.Content == normalized.Value);
    }

    /// <summary>A medium that no other message refers to any more goes with the message.</summary>
    public Task<ChatResult<ChatMessage>> DeleteAsync(long userId, long sequence) =>
        ChangeOwnMessageAsync(userId, sequence, MessageChange.Delete(), _ => null, unchanged: original => original.Kind == MessageKind.Deleted, ReleaseMediaOfAsync);

    public async Task<ChatResult<ChatMessage>> ReactAsync(long userId, long sequence, string? emoji)
    {
        if ((RefuseUnlessParticipant(userId) ?? RefuseUnlessReadable(userId, sequence)) is { } refusal)
        {
            return ChatResult.Fail<ChatMessage>(refusal);
        }

        if (emoji is not null && MessageLimits.NormalizeReaction(emoji) is { IsSuccess: false } invalid)
        {
            return ChatResult.Fail<ChatMessage>(invalid.Error);
        }

        var original = await _log!.ReadRowAsync(sequence);
        var current = original.Reactions.FirstOrDefault(reaction => reaction.UserId == userId)?.Emoji;
        return original.Kind.IsAuthored()
            && await ApplyChangeAsync(original, MessageChange.React(userId, emoji), unchanged: current == emoji) is { } result
                ? result
                : ChatResult.Fail<ChatMessage>(ChatErrorCode.MessageNotChangeable, $"Message {sequence} is not a text or a medium (any more): nobody can react to it.");
    }

    /// <summary>A reply quotes a text or a medium of the same conversation that its sender may read.</summary>
    private async Task<ChatError?> RefuseReplyToAsync(long userId, long sequence)
    {
        if (RefuseUnlessReadable(userId, sequence) is { } refusal)
        {
            return refusal;
        }

        var quoted = await _log!.ReadRowAsync(sequence);
        return quoted.Kind.IsAuthored() ? null : new ChatError(ChatErrorCode.MessageNotChangeable, $"Message {sequence} is not a text or a medium: only those can be replied to.");
    }

    private ChatError? RefuseUnlessReadable(long userId, long sequence) =>
        sequence >= 1 && sequence <= LastSequence && (_access!.ReadableBy(userId)?.Covers(sequence) ?? false)
            ? null
            : new ChatError(ChatErrorCode.InvalidSequence, $"There is no message {sequence} in this conversation that you can see.");

    /// <summary>
    /// An author's change of their own text. <paramref name="refuse"/> says why the stored message cannot take it;
    /// <paramref name="unchanged"/> recognises a repeat, which is answered without writing or telling anything (see
    /// <see cref="ApplyChangeAsync"/>). The refusal comes first: a repeat after the edit window is refused like any edit.
    /// <paramref name="changed"/> follows a change that was stored, with the row as it was before.
    /// </summary>
    private async Task<ChatResult<ChatMessage>> ChangeOwnMessageAsync(
        long userId, long sequence, MessageChange change, Func<MessageRow, string?> refuse, Func<MessageRow, bool> unchanged, Func<MessageRow, Task>? changed = null)
    {
        if ((RefuseUnlessParticipant(userId) ?? RefuseUnlessReadable(userId, sequence)) is { } refusal)
        {
            return ChatResult.Fail<ChatMessage>(refusal);
        }

        var original = await _log!.ReadRowAsync(sequence);
        if (original.FromUserId != userId || original.Kind == MessageKind.GroupChange)
        {
            return ChatResult.Fail<ChatMessage>(ChatErrorCode.NotMessageAuthor, $"Only the author of message {sequence} may change it.");
        }

        if (refuse(original) is { } why)
        {
            return ChatResult.Fail<ChatMessage>(ChatErrorCode.MessageNotChangeable, why);
        }

        var isRepeat = unchanged(original);
        var result = await ApplyChangeAsync(original, change, isRepeat);
        if (result is not null && !isRepeat && changed is not null)
        {
            await changed(original);
        }

        return result ?? ChatResult.Fail<ChatMessage>(ChatErrorCode.MessageNotChangeable, $"Message {sequence} was deleted meanwhile.");
    }

    /// <summary>
    /// Stores the change and announces it; a repeat (<paramref name="unchanged"/>) is answered with the message as it
    /// stands, and announced only if its first attempt's announcement never completed. Null when the row stopped being
    /// a text before the change reached it.
    /// </summary>
    private async Task<ChatResult<ChatMessage>?> ApplyChangeAsync(MessageRow original, MessageChange change, bool unchanged)
    {
        if (unchanged && !_changesNotAnnounced.Contains(original.Sequence))
        {
            return ChatResult.Success(WithStatusForSender(await _log!.MessageOfAsync(original)));
        }

        _changesNotAnnounced.Add(original.Sequence);
        var changed = unchanged ? (original, await _log!.MessageOfAsync(original)) : await _log!.ChangeAsync(original.Sequence, change);
        if (changed is not var (row, message))
        {
            _changesNotAnnounced.Remove(original.Sequence);
            return null;
        }

        var announced = await AnnounceChangeAsync(row, message);
        _changesNotAnnounced.Remove(original.Sequence);
        return ChatResult.Success(announced);
    }

    /// <summary>
    /// Rewrites the chat-list lines that show the message (only the newest message is any line's, as a removal ends a
    /// former member's line), then tells every participant who has it. A line write of the group still in flight goes
    /// first, so it cannot put the old text back after the rewrite.
    /// </summary>
    private async Task<ChatMessage> AnnounceChangeAsync(MessageRow row, ChatMessage message)
    {
        if (row.Sequence == LastSequence)
        {
            if (_groupLines is not null)
            {
                _groupLines.Replace(row);
                await _groupLines.IdleAsync();
            }

            await _log!.RewritePreviewsAsync(row, _access!.Participants);
        }

        var current = WithStatusForSender(message);
        _outbox.QueueChange(AudienceOf(current), current);
        return current;
    }
}
