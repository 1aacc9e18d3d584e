using System.Globalization;
using Microsoft.Extensions.Logging;
using WhatsApp.Grains.Abstractions.Media;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Results;
using WhatsApp.Grains.Storage;

namespace WhatsApp.Grains.Conversations;

/// <summary>
/// Photos, documents and voice notes in the conversation. Their bytes never pass through here: a message carries the
/// medium's address and preview, its sender's upload (on this shard) vouches for the bytes, and a download reads the
/// message here (as the history would show it to the reader) before it reads any byte.
/// </summary>
public sealed partial class ConversationGrain
{
    private const int MaxPhotoSide = 20_000;

    public Task<ChatResult> CheckSenderAsync(long userId) =>
        Task.FromResult((RefuseUnlessParticipant(userId) ?? RefuseIfBlocked(userId)) is { } refusal ? new ChatResult(refusal) : ChatResult.Ok);

    /// <summary>The medium a send attaches: the sender's finished upload into this conversation, with a preview that fits its kind.</summary>
    private async Task<ChatResult<Attachment>> AttachAsync(long fromUserId, MediaAttachment attachment)
    {
        var upload = GrainFactory.GetGrain<IMediaUploadGrain>(IMediaUploadGrain.KeyOf(_id!.Value, attachment.UploadId));
        var claimed = await upload.ClaimAsync(fromUserId);
        if (!claimed.IsSuccess)
        {
            return ChatResult.Fail<Attachment>(claimed.Error);
        }

        var stored = claimed.Value;
        return PreviewProblem(stored.Kind, attachment.Preview) is { } problem
            ? ChatResult.Fail<Attachment>(ChatErrorCode.InvalidMedia, problem)
            : ChatResult.Success(new Attachment(stored.Kind, MessageMedia.Of(stored, attachment.Preview)));
    }

    /// <summary>
    /// A preview carries what its kind shows and nothing else: a photo its thumbnail and size, a voice note its duration
    /// (within the limit) and waveform; a document only a name, which its upload has.
    /// </summary>
    private string? PreviewProblem(MessageKind kind, MediaPreview preview)
    {
        var maxDuration = (int)mediaOptions.Value.MaxVoiceNoteDuration.TotalMilliseconds;
        return kind switch
        {
            MessageKind.Photo when preview.DurationMs is not null || preview.Waveform is not null => "A photo has no duration or waveform.",
            MessageKind.Photo when preview.Width is not (>= 1 and <= MaxPhotoSide) || preview.Height is not (>= 1 and <= MaxPhotoSide) =>
                string.Create(CultureInfo.InvariantCulture, $"A photo's width and height are 1 to {MaxPhotoSide} pixels."),
            MessageKind.Photo when preview.Thumbnail is not null && !IsThumbnail(preview.Thumbnail) =>
                string.Create(CultureInfo.InvariantCulture, $"thumbnail must be a data:image/jpeg, png or webp base64 URL of at most {MediaLimits.MaxThumbnailLength} characters."),
            MessageKind.VoiceNote when preview.Thumbnail is not null || preview.Width is not null || preview.Height is not null => "A voice note has no thumbnail or size.",
            MessageKind.VoiceNote when preview.DurationMs is not { } duration || duration < 1 || duration > maxDuration =>
                string.Create(CultureInfo.InvariantCulture, $"A voice note's durationMs is 1 to {maxDuration} ({mediaOptions.Value.MaxVoiceNoteDuration.TotalMinutes:0} minutes)."),
            MessageKind.VoiceNote when preview.Waveform is { } bars && (bars.Count > MediaLimits.MaxWaveformBars || bars.Any(bar => bar is < 0 or > 100)) =>
                string.Create(CultureInfo.InvariantCulture, $"A waveform is at most {MediaLimits.MaxWaveformBars} bars of 0 to 100."),
            MessageKind.Document when preview != new MediaPreview() => "A document has no preview: its name, type and size come from its upload.",
            _ => null,
        };
    }

    private static bool IsThumbnail(string thumbnail)
    {
        var comma = thumbnail.IndexOf(',', StringComparison.Ordinal);
        return thumbnail.Length <= MediaLimits.MaxThumbnailLength
            && comma > 0
            && thumbnail[..comma] is "data:image/jpeg;base64" or "data:image/png;base64" or "data:image/webp;base64"
            && Convert.TryFromBase64String(thumbnail[(comma + 1)..], new byte[thumbnail.Length], out _);
    }

    /// <summary>
    /// After the send committed: its message refers to the medium now, so the upload no longer needs to keep it. A
    /// failure here is not the send's (its message is stored): the upload then keeps the medium until the silo's sweep
    /// of abandoned uploads, which finds the message referring to it and leaves the bytes alone.
    /// </summary>
    private async Task MarkClaimedAsync(Guid uploadId)
    {
        try
        {
            await mediaStore.MarkClaimedAsync(_id!.Value, uploadId);
        }
        catch (Exception exception) when (exception is System.Data.Common.DbException or TimeoutException)
        {
            LogClaimNotMarked(exception, uploadId, _id!.Value.ToString());
        }
    }

    /// <summary>
    /// After a message is deleted for everyone, its medium goes when nothing else refers to it. A failure keeps the
    /// bytes (stored a while longer, never lost), so it is logged, not the delete's error.
    /// </summary>
    private async Task ReleaseMediaOfAsync(MessageRow deleted)
    {
        if (deleted.Media is not { } media)
        {
            return;
        }

        try
        {
            await mediaStore.ReleaseAsync(_id!.Value, media.Sha256);
        }
        catch (Exception exception) when (exception is System.Data.Common.DbException or TimeoutException)
        {
            LogMediaKept(exception, media.Sha256, _id!.Value.ToString());
        }
    }

    [LoggerMessage(EventId = 2304, Level = LogLevel.Warning, Message = "Upload {UploadId} in {Conversation} was sent but not marked as claimed; the abandoned-upload sweep settles it")]
    private partial void LogClaimNotMarked(Exception exception, Guid uploadId, string conversation);

    [LoggerMessage(EventId = 2301, Level = LogLevel.Warning, Message = "Medium {Sha256} of deleted message in {Conversation} could not be removed; its bytes stay stored")]
    private partial void LogMediaKept(Exception exception, string sha256, string conversation);

    /// <summary>A send's medium and the kind of message it makes.</summary>
    private sealed record Attachment(MessageKind Kind, MessageMedia Media);
}
