using WhatsApp.Grains.Abstractions.Results;

namespace WhatsApp.Grains.Abstractions.Media;

/// <summary>
/// The stored media of one shard (key: the shard number; it lives on the shard's silo and reads the shard's database).
/// It answers bytes only: who may read which medium is the conversation's to decide, before anyone asks here.
/// </summary>
public interface IMediaGrain : IGrainWithIntegerKey
{
    /// <summary>Up to <paramref name="count"/> bytes of the medium from <paramref name="offset"/> (fewer at its end, never across more than one chunk).</summary>
    Task<ChatResult<byte[]>> ReadAsync(string sha256, long offset, int count);
}
