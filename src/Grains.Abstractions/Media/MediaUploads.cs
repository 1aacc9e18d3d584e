using WhatsApp.Grains.Abstractions.Messages;

namespace WhatsApp.Grains.Abstractions.Media;

/// <summary>What an upload will hold, as its owner declares it before sending any byte.</summary>
[GenerateSerializer, Immutable, Alias("whatsapp.UploadRequest")]
public sealed record UploadRequest(
    [property: Id(0)] long OwnerId,
    [property: Id(1)] MessageKind Kind,
    [property: Id(2)] string ContentType,
    [property: Id(3)] long Length,
    [property: Id(4)] string? FileName);

/// <summary>
/// Where an upload stands: how many of its bytes are stored (a multiple of <see cref="ChunkSize"/> until the last
/// chunk), so a client that lost its connection, or whose gateway restarted, goes on from <see cref="Received"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("whatsapp.UploadStatus")]
public sealed record UploadStatus(
    [property: Id(0)] Guid UploadId,
    [property: Id(1)] string ConversationId,
    [property: Id(2)] MessageKind Kind,
    [property: Id(3)] string ContentType,
    [property: Id(4)] string FileName,
    [property: Id(5)] long Length,
    [property: Id(6)] long Received,
    [property: Id(7)] int ChunkSize)
{
    public bool Complete => Received == Length;
}
