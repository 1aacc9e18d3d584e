namespace WhatsApp.Grains.Abstractions.Media;

/// <summary>The fixed shapes of media (the size limits are settings: Media__*).</summary>
public static class MediaLimits
{
    /// <summary>
    /// Uploads are stored, hashed and read in chunks of this size: what one grain call carries and one row holds, so
    /// memory per upload or download is bounded by it whatever the file's size.
    /// </summary>
    public const int ChunkBytes = 256 * 1024;

    /// <summary>A thumbnail is a data: URL of a few KB, carried in every copy of its message.</summary>
    public const int MaxThumbnailLength = 16 * 1024;

    public const int MaxWaveformBars = 64;

    public const int MaxFileNameLength = 120;
}
