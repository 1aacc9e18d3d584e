namespace WhatsApp.Grains.Abstractions.Media;

/// <summary>
/// The medium a photo, document or voice-note message refers to: the stored bytes by their content address
/// (<see cref="Sha256"/>, lower-case hex, also the download's strong ETag), their type, size and cleaned file name,
/// and the preview its sender's browser made, carried in the message so a chat shows it before anyone downloads the
/// bytes.
/// </summary>
[GenerateSerializer, Immutable, Alias("whatsapp.MessageMedia")]
public sealed record MessageMedia(
    [property: Id(0)] string Sha256,
    [property: Id(1)] string ContentType,
    [property: Id(2)] long Length,
    [property: Id(3)] string FileName,
    [property: Id(4)] string? Thumbnail = null,
    [property: Id(5)] int? Width = null,
    [property: Id(6)] int? Height = null,
    [property: Id(7)] int? DurationMs = null,
    [property: Id(8)] IReadOnlyList<int>? Waveform = null)
{
    /// <summary>The stored medium with the preview a send carries.</summary>
    public static MessageMedia Of(StoredMedia stored, MediaPreview preview) => new(
        stored.Sha256, stored.ContentType, stored.Length, stored.FileName, preview.Thumbnail, preview.Width, preview.Height, preview.DurationMs, preview.Waveform);
}

/// <summary>
/// What the sender's browser made of a medium before uploading it: a photo's small blurred thumbnail (a data: URL of a
/// few KB) and dimensions, a voice note's duration and waveform (bars of 0 to 100).
/// </summary>
[GenerateSerializer, Immutable, Alias("whatsapp.MediaPreview")]
public sealed record MediaPreview(
    [property: Id(0)] string? Thumbnail = null,
    [property: Id(1)] int? Width = null,
    [property: Id(2)] int? Height = null,
    [property: Id(3)] int? DurationMs = null,
    [property: Id(4)] IReadOnlyList<int>? Waveform = null);

/// <summary>A message's medium as a send names it: the finished upload, and the preview to carry.</summary>
[GenerateSerializer, Immutable, Alias("whatsapp.MediaAttachment")]
public sealed record MediaAttachment([property: Id(0)] Guid UploadId, [property: Id(1)] MediaPreview Preview);

/// <summary>A finished upload as its storage knows it: what a message may refer to.</summary>
[GenerateSerializer, Immutable, Alias("whatsapp.StoredMedia")]
public sealed record StoredMedia(
    [property: Id(0)] string Sha256,
    [property: Id(1)] Messages.MessageKind Kind,
    [property: Id(2)] string ContentType,
    [property: Id(3)] long Length,
    [property: Id(4)] string FileName);
