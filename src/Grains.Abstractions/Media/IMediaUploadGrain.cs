using System.Globalization;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Results;

namespace WhatsApp.Grains.Abstractions.Media;

/// <summary>
/// One upload into a conversation (key: <see cref="KeyOf"/>, so it lives on the conversation's shard and stores into
/// that shard's database). Its owner declares the file, then appends it chunk by chunk in order; the last chunk makes it
/// a stored medium, kept once per database whatever how many uploads brought the same bytes. A send then claims it.
/// Every method takes the acting user, whom the caller must have authenticated; only the owner gets an answer.
/// </summary>
public interface IMediaUploadGrain : IGrainWithStringKey
{
    /// <summary>Starts the upload; the same declaration again answers where it stands (a retried start).</summary>
    Task<ChatResult<UploadStatus>> StartAsync(UploadRequest request);

    Task<ChatResult<UploadStatus>> GetStatusAsync(long userId);

    /// <summary>
    /// Stores the chunk that starts at <paramref name="offset"/> (which must be what is stored so far; a repeat of the
    /// last chunk stored is answered as done). Refuses bytes beyond the declared length, and a first chunk whose leading
    /// bytes are not of the declared type.
    /// </summary>
    Task<ChatResult<UploadStatus>> AppendAsync(long userId, long offset, byte[] chunk);

    /// <summary>The stored medium, for a message of its owner's to refer to.</summary>
    Task<ChatResult<StoredMedia>> ClaimAsync(long userId);

    /// <summary>The key of an upload: its conversation's id (which places it) and its own id.</summary>
    public static string KeyOf(ConversationId conversation, Guid uploadId) =>
        string.Create(CultureInfo.InvariantCulture, $"{conversation}/{uploadId:N}");
}
