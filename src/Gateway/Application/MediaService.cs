using WhatsApp.Gateway.Cluster;
using WhatsApp.Grains.Abstractions.Media;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Results;

namespace WhatsApp.Gateway.Application;

/// <summary>
/// Uploads and downloads as the signed-in caller. The bytes pass through in chunks of
/// <see cref="MediaLimits.ChunkBytes"/>, one grain call each, to and from the silo of the conversation's shard, which
/// stores them in its database: the gateway holds one chunk per transfer, whatever the file's size, and no database
/// credentials at all. Every chunk waits for the gateway's <see cref="UploadBandwidth"/> first.
/// </summary>
public sealed class MediaService(ChatCluster cluster, ChatService chat, UploadBandwidth bandwidth)
{
    public async Task<ChatResult<UploadStatus>> StartAsync(long caller, string conversationId, MessageKind? kind, string? contentType, long? length, string? fileName)
    {
        if (kind is null || contentType is null || length is null)
        {
            return ChatResult.Fail<UploadStatus>(ChatErrorCode.InvalidMedia, "kind (photo, document or voiceNote), contentType and length are required.");
        }

        var request = new UploadRequest(caller, kind.Value, contentType, length.Value, fileName);
        return await OnUploadAsync(caller, conversationId, Guid.NewGuid(), upload => upload.StartAsync(request));
    }

    public Task<ChatResult<UploadStatus>> StatusAsync(long caller, string conversationId, Guid uploadId) =>
        OnUploadAsync(caller, conversationId, uploadId, upload => upload.GetStatusAsync(caller));

    /// <summary>
    /// Stores the body from <paramref name="offset"/> on, chunk by chunk as it arrives; stops at the first refusal (a
    /// byte beyond the declared length is refused before it is stored). Everything stored before a dropped connection
    /// stays: the client asks where the upload stands and goes on from there.
    /// </summary>
    public async Task<ChatResult<UploadStatus>> AppendAsync(long caller, string conversationId, Guid uploadId, long offset, Stream body, CancellationToken cancellationToken)
    {
        var conversation = RequestChecks.ConversationOfCaller(conversationId, caller);
        if (!conversation.IsSuccess)
        {
            return ChatResult.Fail<UploadStatus>(conversation.Error);
        }

        var key = IMediaUploadGrain.KeyOf(conversation.Value, uploadId);
        var buffer = new byte[MediaLimits.ChunkBytes];
        ChatResult<UploadStatus>? stored = null;
        while (await FillAsync(body, buffer, cancellationToken) is var read && read > 0)
        {
            // Reused only after its call has been answered; the short last chunk goes as an array of its own length.
            var chunk = read == buffer.Length ? buffer : buffer.AsSpan(0, read).ToArray();
            var at = offset;
            await bandwidth.WaitForAsync(read, cancellationToken);
            stored = await cluster.RetryAsync(grains => grains.GetGrain<IMediaUploadGrain>(key).AppendAsync(caller, at, chunk), cancellationToken);
            if (!stored.IsSuccess)
            {
                return stored;
            }

            offset += read;
        }

        return stored ?? await cluster.RetryAsync(grains => grains.GetGrain<IMediaUploadGrain>(key).GetStatusAsync(caller), cancellationToken);
    }

    /// <summary>
    /// The message and a stream of its medium's bytes, when the caller may read the message (as its history shows it to
    /// them: a group member only what came while they were in the group).
    /// </summary>
    public async Task<ChatResult<(ChatMessage Message, Stream Bytes)>> OpenAsync(long caller, string conversationId, long sequence)
    {
        var message = await chat.ReadableMessageAsync(caller, conversationId, sequence);
        if (!message.IsSuccess)
        {
            return ChatResult.Fail<(ChatMessage, Stream)>(message.Error);
        }

        return message.Value is { Media: { } media } readable
            ? ChatResult.Success<(ChatMessage, Stream)>((readable, new MediaReadStream(cluster, readable.Shard, media)))
            : ChatResult.Fail<(ChatMessage, Stream)>(ChatErrorCode.UnknownMedia, $"Message {sequence} has no photo, document or voice note (any more).");
    }

    private async Task<ChatResult<UploadStatus>> OnUploadAsync(long caller, string conversationId, Guid uploadId, Func<IMediaUploadGrain, Task<ChatResult<UploadStatus>>> call)
    {
        var conversation = RequestChecks.ConversationOfCaller(conversationId, caller);
        return conversation.IsSuccess
            ? await cluster.RetryAsync(grains => call(grains.GetGrain<IMediaUploadGrain>(IMediaUploadGrain.KeyOf(conversation.Value, uploadId))))
            : ChatResult.Fail<UploadStatus>(conversation.Error);
    }

    /// <summary>Reads until the buffer is full or the body ends; the count read (0 at the end).</summary>
    private static async Task<int> FillAsync(Stream body, byte[] buffer, CancellationToken cancellationToken)
    {
        var filled = 0;
        while (filled < buffer.Length && await body.ReadAsync(buffer.AsMemory(filled), cancellationToken) is var read && read > 0)
        {
            filled += read;
        }

        return filled;
    }
}
