using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using WhatsApp.Grains.Abstractions.Conversations;
using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Media;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Results;
using WhatsApp.Grains.Placement;

namespace WhatsApp.Grains.Media;

/// <summary>
/// One upload (see <see cref="IMediaUploadGrain"/>). Its row in the shard's database is the truth; the activation adds
/// the running SHA-256 of what is stored, so finishing costs no second read. An activation that finds bytes stored by an
/// earlier one (its silo restarted) hashes them again from storage before it takes the next chunk. The row is read on
/// the first call that needs it, so starting a new upload costs one statement, not a read and a write.
/// </summary>
[GrainType(GrainTypes.MediaUpload)]
[ShardPlacement]
public sealed class MediaUploadGrain(IMediaStore store, IOptions<MediaOptions> options, ShardMap shardMap) : ShardedGrain(shardMap), IMediaUploadGrain
{
    private ConversationId _conversation;
    private Guid _uploadId;
    private UploadRecord? _upload;
    private bool _loaded;
    private IncrementalHash? _hash;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        var key = this.GetPrimaryKeyString().Split('/');
        if (!(key.Length == 2 && ConversationId.TryParse(key[0], out _conversation) && Guid.TryParseExact(key[1], "N", out _uploadId)))
        {
            _uploadId = Guid.Empty;
            _loaded = true; // no such upload can exist: every call is refused without asking storage
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _hash?.Dispose();
        return Task.CompletedTask;
    }

    public async Task<ChatResult<UploadStatus>> StartAsync(UploadRequest request)
    {
        if (_uploadId == Guid.Empty)
        {
            return NoSuchUpload<UploadStatus>();
        }

        if (_upload is not null)
        {
            return IsRepeatOf(request) ? ChatResult.Success(StatusOf(_upload)) : NoSuchUpload<UploadStatus>();
        }

        if (!request.Kind.IsMedia())
        {
            return Invalid<UploadStatus>("kind must be photo, document or voiceNote.");
        }

        if (MediaTypes.Normalize(request.Kind, request.ContentType) is not { } contentType)
        {
            return ChatResult.Fail<UploadStatus>(ChatErrorCode.UnsupportedMediaType, request.Kind switch
            {
                MessageKind.Photo => "A photo must be image/jpeg, image/png, image/gif or image/webp.",
                MessageKind.VoiceNote => "A voice note must be audio/webm or audio/ogg (Opus).",
                _ => "contentType must be a media type such as application/pdf.",
            });
        }

        var limit = options.Value.MaxBytesOf(request.Kind);
        if (request.Length < 1)
        {
            return Invalid<UploadStatus>("length must be the file's size in bytes, at least 1.");
        }

        if (request.Length > limit)
        {
            return ChatResult.Fail<UploadStatus>(ChatErrorCode.MediaTooLarge,
                string.Create(CultureInfo.InvariantCulture, $"A {request.Kind} may be at most {limit} bytes; this one is {request.Length}."));
        }

        if ((await GrainFactory.GetGrain<IConversationGrain>(_conversation.ToString()).CheckSenderAsync(request.OwnerId)).Error is { } refusal)
        {
            return ChatResult.Fail<UploadStatus>(refusal);
        }

        // Created unless it exists (a start retried after its first try was stored): then the stored one answers.
        var fileName = MediaFileNames.Clean(request.FileName, request.Kind);
        _upload = await store.CreateUploadAsync(_conversation, new UploadRecord(_uploadId, request.OwnerId, request.Kind, contentType, fileName, request.Length, 0, null));
        _loaded = true;
        return IsRepeatOf(request) ? ChatResult.Success(StatusOf(_upload)) : NoSuchUpload<UploadStatus>();
    }

    /// <summary>
    /// Read from storage, not from this activation's memory: a database crash may have lost the last chunks (they commit
    /// without waiting for the disk), and a client resuming must start from what really is stored.
    /// </summary>
    public async Task<ChatResult<UploadStatus>> GetStatusAsync(long userId)
    {
        if (!await IsOwnerAsync(userId))
        {
            return NoSuchUpload<UploadStatus>();
        }

        var stored = await store.FindUploadAsync(_conversation, _uploadId);
        if (stored?.Received != _upload!.Received)
        {
            DropHash();
        }

        _upload = stored;
        return stored is null ? NoSuchUpload<UploadStatus>() : ChatResult.Success(StatusOf(stored));
    }

    public Task<ChatResult<UploadStatus>> AppendAsync(long userId, long offset, byte[] chunk) => AppendAsync(userId, offset, chunk, mayReload: true);

    private async Task<ChatResult<UploadStatus>> AppendAsync(long userId, long offset, byte[] chunk, bool mayReload)
    {
        if (!await IsOwnerAsync(userId))
        {
            return NoSuchUpload<UploadStatus>();
        }

        var upload = _upload!;
        var end = offset + chunk.Length;
        if (offset < upload.Received && end == upload.Received)
        {
            // A repeat of the chunk stored last: its first try got there (and perhaps no further).
            return ChatResult.Success(StatusOf(await CompleteIfAllReceivedAsync()));
        }

        if (end > upload.Length)
        {
            return ChatResult.Fail<UploadStatus>(ChatErrorCode.MediaTooLarge,
                string.Create(CultureInfo.InvariantCulture, $"The file is longer than the {upload.Length} bytes its upload declared."));
        }

        if (offset != upload.Received)
        {
            return ChatResult.Fail<UploadStatus>(ChatErrorCode.UploadOffsetMismatch,
                string.Create(CultureInfo.InvariantCulture, $"The upload has {upload.Received} bytes stored; send from there."));
        }

        if (chunk.Length != MediaLimits.ChunkBytes && end != upload.Length)
        {
            // The end of a body that stopped short of the file: stored chunks are whole, so this tail is sent again
            // with the rest, from Received.
            return ChatResult.Success(StatusOf(upload));
        }

        if (offset == 0 && !MediaTypes.LeadingBytesFit(upload.ContentType, chunk))
        {
            return ChatResult.Fail<UploadStatus>(ChatErrorCode.UnsupportedMediaType, $"The file's content is not {upload.ContentType}, as its upload declared.");
        }

        var hash = await HashOfStoredAsync(upload);
        if (!await store.AppendChunkAsync(_conversation, _uploadId, offset, chunk))
        {
            // Storage stands elsewhere than this activation thought (a first try that committed but was not answered,
            // another activation, or a database crash that lost the last chunks): answer from what storage says.
            DropHash();
            _upload = await store.FindUploadAsync(_conversation, _uploadId);
            return mayReload && _upload is not null ? await AppendAsync(userId, offset, chunk, mayReload: false) : NoSuchUpload<UploadStatus>();
        }

        hash.AppendData(chunk);
        _upload = upload with { Received = end };
        return ChatResult.Success(StatusOf(await CompleteIfAllReceivedAsync()));
    }

    public async Task<ChatResult<StoredMedia>> ClaimAsync(long userId) =>
        !await IsOwnerAsync(userId) ? NoSuchUpload<StoredMedia>()
        : _upload!.Sha256 is not { } sha256 ? ChatResult.Fail<StoredMedia>(ChatErrorCode.UploadIncomplete,
            string.Create(CultureInfo.InvariantCulture, $"Upload {_uploadId} has {_upload.Received} of its {_upload.Length} bytes; finish it before sending."))
        : ChatResult.Success(new StoredMedia(sha256, _upload.Kind, _upload.ContentType, _upload.Length, _upload.FileName));

    /// <summary>Once every byte is stored, makes the upload the medium of its hash (or of the same bytes stored before).</summary>
    private async Task<UploadRecord> CompleteIfAllReceivedAsync()
    {
        var upload = _upload!;
        if (upload.Received < upload.Length || upload.Sha256 is not null)
        {
            return upload;
        }

        var hash = await HashOfStoredAsync(upload);
        var sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
        DropHash();
        await store.CompleteUploadAsync(_conversation, _uploadId, sha256, upload.Length);
        return _upload = upload with { Sha256 = sha256 };
    }

    /// <summary>The running hash of what is stored; rebuilt from storage when this activation did not see it arrive.</summary>
    private async Task<IncrementalHash> HashOfStoredAsync(UploadRecord upload)
    {
        if (_hash is null)
        {
            _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            for (var index = 0; index < (upload.Received + MediaLimits.ChunkBytes - 1) / MediaLimits.ChunkBytes; index++)
            {
                _hash.AppendData(await store.ReadUploadChunkAsync(_conversation, _uploadId, index));
            }
        }

        return _hash;
    }

    private void DropHash()
    {
        _hash?.Dispose();
        _hash = null;
    }

    /// <summary>Whether the upload exists and is this user's; reads its row on the first call that asks.</summary>
    private async Task<bool> IsOwnerAsync(long userId)
    {
        if (!_loaded)
        {
            _upload = await store.FindUploadAsync(_conversation, _uploadId);
            _loaded = true;
        }

        return _upload?.OwnerId == userId;
    }

    private bool IsRepeatOf(UploadRequest request) => _upload!.OwnerId == request.OwnerId && _upload.Length == request.Length;

    private UploadStatus StatusOf(UploadRecord upload) =>
        new(_uploadId, _conversation.ToString(), upload.Kind, upload.ContentType, upload.FileName, upload.Length, upload.Received, MediaLimits.ChunkBytes);

    private ChatResult<T> NoSuchUpload<T>() =>
        ChatResult.Fail<T>(ChatErrorCode.UnknownUpload, $"There is no upload {this.GetPrimaryKeyString()} of yours.");

    private static ChatResult<T> Invalid<T>(string detail) => ChatResult.Fail<T>(ChatErrorCode.InvalidMedia, detail);
}
