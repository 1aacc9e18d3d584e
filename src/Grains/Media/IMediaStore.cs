using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Messages;

namespace WhatsApp.Grains.Media;

/// <summary>
/// Where media bytes live: uploads as they arrive, and the media they become, content-addressed by SHA-256 so the same
/// bytes are kept once per database. Each conversation's media are in its shard's store. The one implementation keeps
/// them in PostgreSQL (<see cref="Storage.PostgresMediaStore"/>); an object store would implement this same interface.
/// </summary>
public interface IMediaStore
{
    Task<UploadRecord?> FindUploadAsync(ConversationId conversation, Guid uploadId);

    /// <summary>Records a new upload; when one of that id exists already, nothing changes and it is returned instead.</summary>
    Task<UploadRecord> CreateUploadAsync(ConversationId conversation, UploadRecord upload);

    /// <summary>
    /// Stores the chunk at <paramref name="offset"/> and advances the upload past it, both or neither; false when the
    /// upload does not stand at that offset (nothing stored).
    /// </summary>
    Task<bool> AppendChunkAsync(ConversationId conversation, Guid uploadId, long offset, ReadOnlyMemory<byte> chunk);

    /// <summary>One stored chunk of an unfinished upload (to hash again what an earlier activation stored).</summary>
    Task<byte[]> ReadUploadChunkAsync(ConversationId conversation, Guid uploadId, int chunkIndex);

    /// <summary>
    /// Makes a fully received upload the medium of its hash: its chunks become that medium's, or, when the same bytes
    /// are stored already, are dropped and the upload refers to the stored medium.
    /// </summary>
    Task CompleteUploadAsync(ConversationId conversation, Guid uploadId, string sha256, long length);

    /// <summary>A message of the owner's refers to the upload's medium now: the upload no longer keeps it alive on its own.</summary>
    Task MarkClaimedAsync(ConversationId conversation, Guid uploadId);

    /// <summary>Bytes of a medium within one chunk, or null when no medium of that hash is stored in the shard.</summary>
    Task<byte[]?> ReadAsync(int shard, string sha256, long offset, int count);

    /// <summary>Removes the medium when no message and no unsent upload refers to it any more; true when it was removed.</summary>
    Task<bool> ReleaseAsync(ConversationId conversation, string sha256);

    /// <summary>
    /// Forgets the uploads in a shard's database that were started before <paramref name="startedBefore"/> and never
    /// sent: an unfinished one with its chunks, a finished one by releasing its medium (kept if a message refers to it).
    /// Answers how many uploads it forgot.
    /// </summary>
    Task<int> ForgetAbandonedUploadsAsync(int shard, DateTimeOffset startedBefore);
}

/// <summary>An upload as stored: what its owner declared and how far it has got (<see cref="Sha256"/> once complete).</summary>
public sealed record UploadRecord(Guid UploadId, long OwnerId, MessageKind Kind, string ContentType, string FileName, long Length, long Received, string? Sha256);
