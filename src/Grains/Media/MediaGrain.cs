using Orleans.Concurrency;
using WhatsApp.Grains.Abstractions.Media;
using WhatsApp.Grains.Abstractions.Results;
using WhatsApp.Grains.Placement;

namespace WhatsApp.Grains.Media;

/// <summary>
/// Reads one shard's media for downloads (see <see cref="IMediaGrain"/>). Reads share nothing, so they interleave: a
/// slow download never holds up another.
/// </summary>
[GrainType(GrainTypes.Media)]
[ShardPlacement]
[Reentrant]
public sealed class MediaGrain(IMediaStore store, ShardMap shardMap) : ShardedGrain(shardMap), IMediaGrain
{
    public async Task<ChatResult<byte[]>> ReadAsync(string sha256, long offset, int count)
    {
        if (offset < 0 || count is < 1 or > MediaLimits.ChunkBytes)
        {
            return ChatResult.Fail<byte[]>(ChatErrorCode.InvalidMedia, $"A read is 1 to {MediaLimits.ChunkBytes} bytes from a position in the medium.");
        }

        var shard = (int)this.GetPrimaryKeyLong();
        var within = (int)Math.Min(count, MediaLimits.ChunkBytes - (offset % MediaLimits.ChunkBytes));
        return await store.ReadAsync(shard, sha256, offset, within) is { } bytes
            ? ChatResult.Success(bytes)
            : ChatResult.Fail<byte[]>(ChatErrorCode.UnknownMedia, "The medium is no longer stored.");
    }
}
