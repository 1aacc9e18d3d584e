using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Results;
using WhatsApp.Grains.Storage;

namespace WhatsApp.Grains.Conversations;

/// <summary>
/// What participants do to messages already stored: reply to one, edit or delete their own, react to any. Each action
/// is one statement on the message's row; every participant who has the message is told how it stands now, and the
/// chat-list lines that show it are rewritten, so an edit or a delete leaves no old text behind. Repeating an action
/// changes nothing more, so a retry is safe.
/// </summary>
public sealed partial class ConversationGrain
{
    public Task<ChatResult<ChatMessage>> EditAsync(long userId, long sequence, string content)
    {
        var normalized = MessageLimits.NormalizeContent(content);
        return !normalized.IsSuccess
            ? Task.FromResult(ChatResult.Fail<ChatMessage>(normalized.Error))
            : ChangeOwnMessageAsync(userId, sequence, MessageChange.Edit(normalized.Value, time.GetUtcNow()), original =>
                original.Kind != MessageKind.Text ? "A deleted message cannot be edited."
                : original.CreatedAt + MessageLimits.EditWindow < time.GetUtcNow() ? $"A message can be edited for {MessageLimits.EditWindow.TotalMinutes:0} minutes after it was sent."
                : null,
                unchanged: original => original.Content == normalized.Value);
    }

    public Task<ChatResult<ChatMessage>> DeleteAsync(long userId, long sequence) =>
        ChangeOwnMessageAsync(userId, sequence, MessageChange.Delete(), _ => null, unchanged: original => original.Kind == MessageKind.Deleted);

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

        return await _log!.ChangeAsync(sequence, MessageChange.React(userId, emoji)) is { } changed
            ? ChatResult.Success(await AnnounceChangeAsync(changed.Row, changed.Message))
            : ChatResult.Fail<ChatMessage>(ChatErrorCode.MessageNotChangeable, $"Message {sequence} is not a text (any more): nobody can react to it.");
    }

    /// <summary>A reply quotes a text of the same conversation that its sender may read.</summary>
    private async Task<ChatError?> RefuseReplyToAsync(long userId, long sequence)
    {
        if (RefuseUnlessReadable(userId, sequence) is { } refusal)
        {
            return refusal;
        }

        var quoted = await _log!.ReadRowAsync(sequence);
        return quoted.Kind == MessageKind.Text ? null : new ChatError(ChatErrorCode.MessageNotChangeable, $"Message {sequence} is not a text: only texts can be replied to.");
    }

    private ChatError? RefuseUnlessReadable(long userId, long sequence) =>
        sequence >= 1 && sequence <= LastSequence && (_access!.ReadableBy(userId)?.Covers(sequence) ?? false)
            ? null
            : new ChatError(ChatErrorCode.InvalidSequence, $"There is no message {sequence} in this conversation that you can see.");

    /// <summary>
    /// An author's change of their own text. <paramref name="refuse"/> says why the stored message cannot take it;
    /// <paramref name="unchanged"/> recognises a repeat, which is answered (and its lines and participants told again, in
    /// case the first attempt failed after storing) without writing the row again.
    /// </summary>
    private async Task<ChatResult<ChatMessage>> ChangeOwnMessageAsync(
        long userId, long sequence, MessageChange change, Func<MessageRow, string?> refuse, Func<MessageRow, bool> unchanged)
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

        if (unchanged(original))
        {
            return ChatResult.Success(await AnnounceChangeAsync(original, await _log.MessageOfAsync(original)));
        }

        if (refuse(original) is { } why)
        {
            return ChatResult.Fail<ChatMessage>(ChatErrorCode.MessageNotChangeable, why);
        }

        return await _log.ChangeAsync(sequence, change) is { } changed
            ? ChatResult.Success(await AnnounceChangeAsync(changed.Row, changed.Message))
            : ChatResult.Fail<ChatMessage>(ChatErrorCode.MessageNotChangeable, $"Message {sequence} was deleted meanwhile.");
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
        _outbox.QueueChange(_access!.ReadersOf(current).Append(current.FromUserId).Distinct(), current);
        return current;
    }
}
