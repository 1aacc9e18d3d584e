using Microsoft.Extensions.Options;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Telemetry.Hosting;

namespace WhatsApp.Grains.Media;

/// <summary>Configuration section "Media": how large a medium may be (WhatsApp's limits by default).</summary>
public sealed class MediaOptions
{
    public const string SectionName = "Media";

    private const long Megabyte = 1024 * 1024;

    /// <summary>Media__MaxPhotoBytes: a photo as the browser re-encoded it.</summary>
    public long MaxPhotoBytes { get; set; } = 16 * Megabyte;

    /// <summary>Media__MaxVoiceNoteBytes.</summary>
    public long MaxVoiceNoteBytes { get; set; } = 16 * Megabyte;

    /// <summary>Media__MaxDocumentBytes.</summary>
    public long MaxDocumentBytes { get; set; } = 100 * Megabyte;

    /// <summary>Media__MaxVoiceNoteDuration: the longest recording a voice note may say it is.</summary>
    public TimeSpan MaxVoiceNoteDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Media__AbandonedUploadAge: an upload started this long ago and never sent is forgotten (an unfinished one with its
    /// bytes; a finished one's medium goes unless a message refers to it), so abandoned uploads do not fill the database.
    /// </summary>
    public TimeSpan AbandonedUploadAge { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Media__AbandonedUploadSweepInterval: how often each silo looks for abandoned uploads in its shard's database.</summary>
    public TimeSpan AbandonedUploadSweepInterval { get; set; } = TimeSpan.FromHours(1);

    public long MaxBytesOf(MessageKind kind) => kind switch
    {
        MessageKind.Photo => MaxPhotoBytes,
        MessageKind.VoiceNote => MaxVoiceNoteBytes,
        _ => MaxDocumentBytes,
    };
}

public sealed class MediaOptionsValidator : IValidateOptions<MediaOptions>
{
    public ValidateOptionsResult Validate(string? name, MediaOptions options) => ValidatedOptions.Check(
        (new[] { options.MaxPhotoBytes, options.MaxVoiceNoteBytes, options.MaxDocumentBytes }.All(limit => limit >= 1), "Media:MaxPhotoBytes, MaxVoiceNoteBytes and MaxDocumentBytes must be at least 1."),
        (new[] { options.MaxVoiceNoteDuration, options.AbandonedUploadAge, options.AbandonedUploadSweepInterval }.All(span => span > TimeSpan.Zero),
            "Media:MaxVoiceNoteDuration, AbandonedUploadAge and AbandonedUploadSweepInterval must be more than zero."));
}
