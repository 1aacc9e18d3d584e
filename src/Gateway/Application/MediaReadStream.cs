using WhatsApp.Gateway.Cluster;
using WhatsApp.Grains.Abstractions.Media;

namespace WhatsApp.Gateway.Application;

/// <summary>
/// A medium's bytes as a seekable stream, read from its shard's silo one chunk at a time, so ASP.NET Core's file
/// results serve ranges, conditional requests and ETags over it while the gateway holds one chunk per download.
/// </summary>
internal sealed class MediaReadStream(ChatCluster cluster, int shard, MessageMedia media) : Stream
{
    private byte[] _chunk = [];
    private long _chunkStart = -1;

    public override bool CanRead => true;

    public override bool CanSeek => true;

    public override bool CanWrite => false;

    public override long Length => media.Length;

    public override long Position { get; set; }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Position >= Length || buffer.Length == 0)
        {
            return 0;
        }

        var chunkStart = Position - (Position % MediaLimits.ChunkBytes);
        if (chunkStart != _chunkStart)
        {
            var count = (int)Math.Min(MediaLimits.ChunkBytes, Length - chunkStart);
            var read = await cluster.RetryAsync(grains => grains.GetGrain<IMediaGrain>(shard).ReadAsync(media.Sha256, chunkStart, count), cancellationToken);
            _chunk = read.IsSuccess ? read.Value! : throw new IOException($"Medium {media.Sha256} could not be read: {read.Error!.Detail}");
            _chunkStart = chunkStart;
        }

        var within = (int)(Position - _chunkStart);
        var copied = Math.Min(buffer.Length, _chunk.Length - within);
        _chunk.AsMemory(within, copied).CopyTo(buffer);
        Position += copied;
        return copied;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Every read waits for the cluster, so only the asynchronous ones are offered.</summary>
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Read the medium asynchronously.");

    public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
    {
        SeekOrigin.Begin => offset,
        SeekOrigin.Current => Position + offset,
        _ => Length + offset,
    };

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
