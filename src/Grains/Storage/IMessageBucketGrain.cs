using Orleans.Concurrency;

namespace WhatsApp.Grains.Storage;

/// <summary>
/// A bounded run of one conversation's messages (key: "{conversationId}/{bucketIndex}"), persisted as one row.
/// Only its conversation grain calls it; that grain assigns sequences, so appends arrive in order.
/// </summary>
public interface IMessageBucketGrain : IGrainWithStringKey
{
    /// <summary>Durably appends the next message; re-appending the same message is a no-op, anything else out of order is refused.</summary>
    Task AppendAsync(StoredMessage message);

    /// <summary>The stored messages with sequences in [from, to], ascending.</summary>
    [ReadOnly]
    Task<IReadOnlyList<StoredMessage>> ReadAsync(long fromSequence, long toSequence);

    /// <summary>How many messages the bucket holds.</summary>
    [ReadOnly]
    Task<int> CountAsync();
}
