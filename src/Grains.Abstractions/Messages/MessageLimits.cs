using WhatsApp.Grains.Abstractions.Results;
using WhatsApp.Grains.Abstractions.Text;

namespace WhatsApp.Grains.Abstractions.Messages;

/// <summary>The contract's limits on what a client may send, checked by the grains that own the data.</summary>
public static class MessageLimits
{
    public const int MaxContentLength = 4096;
    public const int MaxClientMessageIdLength = 64;
    public const int MaxPageSize = 100;
    public const int DefaultPageSize = 50;

    /// <summary>An author may edit a message this long after sending it (WhatsApp's window).</summary>
    public static readonly TimeSpan EditWindow = TimeSpan.FromMinutes(15);

    /// <summary>A reaction is one emoji; some are several code points (skin tones, flags, families), none this long.</summary>
    public const int MaxReactionLength = 16;

    /// <summary>
    /// Group changes are stored under clientMessageIds of their own (their actor as sender), so a retried change is
    /// stored once; a client's ids may not take this prefix, or a message could stand in for a change.
    /// </summary>
    public const string GroupChangeIdPrefix = "group-change:";

    /// <summary>Trims the content and checks its length and characters; null content counts as empty.</summary>
    public static ChatResult<string> NormalizeContent(string? content)
    {
        var trimmed = content?.Trim() ?? string.Empty;
        return trimmed.Length is 0 or > MaxContentLength
            ? ChatResult.Fail<string>(ChatErrorCode.InvalidContent, $"Content must be 1 to {MaxContentLength} characters after trimming; it was {trimmed.Length}.")
            : !StorableText.IsStorable(trimmed, allowLineBreaks: true)
                ? ChatResult.Fail<string>(ChatErrorCode.InvalidContent, "Content may not hold control characters other than line breaks and tabs, nor half of a surrogate pair.")
                : ChatResult.Success(trimmed);
    }

    /// <summary>A medium's caption: like a text's content, but it may be empty.</summary>
    public static ChatResult<string> NormalizeCaption(string? caption) =>
        string.IsNullOrWhiteSpace(caption) ? ChatResult.Success(string.Empty) : NormalizeContent(caption);

    public static ChatError? ValidateClientMessageId(string? clientMessageId) =>
        clientMessageId is null || (clientMessageId.Length is > 0 and <= MaxClientMessageIdLength
                                    && StorableText.IsStorable(clientMessageId, allowLineBreaks: false)
                                    && !clientMessageId.StartsWith(GroupChangeIdPrefix, StringComparison.Ordinal))
            ? null
            : new ChatError(ChatErrorCode.InvalidClientMessageId, $"clientMessageId must be 1 to {MaxClientMessageIdLength} printable characters, not starting with \"{GroupChangeIdPrefix}\".");

    /// <summary>A reaction: one emoji, that is 1 to 16 UTF-16 units with no letter, digit, space or control character.</summary>
    public static ChatResult<string> NormalizeReaction(string? emoji) =>
        emoji is { Length: > 0 and <= MaxReactionLength }
        && StorableText.IsStorable(emoji, allowLineBreaks: false)
        && !emoji.Any(c => char.IsLetterOrDigit(c) || char.IsWhiteSpace(c) || char.IsPunctuation(c))
            ? ChatResult.Success(emoji)
            : ChatResult.Fail<string>(ChatErrorCode.InvalidReaction, $"A reaction is one emoji (1 to {MaxReactionLength} characters, no letters, digits or spaces).");
}
