using System.Globalization;
using Microsoft.Extensions.Logging;
using WhatsApp.Grains.Placement;

namespace WhatsApp.Grains.Storage;

[GrainType(GrainTypes.MessageBucket)]
[ShardPlacement]
public sealed partial class MessageBucketGrain(
    [PersistentState("bucket", StorageNames.Chat)] IPersistentState<MessageBucketState> bucket,
    ShardMap shardMap,
    ILogger<MessageBucketGrain> logger) : ShardedGrain(shardMap), IMessageBucketGrain
{
    private long _firstSequence;

    private List<StoredMessage> Messages => bucket.State.Messages;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var key = this.GetPrimaryKeyString();
        _firstSequence = MessageBuckets.FirstSequenceOf(long.Parse(key.AsSpan(key.LastIndexOf('/') + 1), CultureInfo.InvariantCulture));
        return base.OnActivateAsync(cancellationToken);
    }

    public async Task AppendAsync(StoredMessage message)
    {
        var next = _firstSequence + Messages.Count;
        if (message.Sequence < next && message.Sequence >= _firstSequence)
        {
            var stored = Messages[(int)(message.Sequence - _firstSequence)];
            if (stored.IsSameMessageAs(message))
            {
                return;
            }
        }

        if (message.Sequence != next || Messages.Count >= MessageBuckets.Size)
        {
            throw new InvalidOperationException(
                $"Bucket {this.GetPrimaryKeyString()} expects sequence {next} (holding {Messages.Count}), not {message.Sequence}.");
        }

        Messages.Add(message);
        try
        {
            await bucket.WriteStateAsync();
        }
        catch (Exception exception)
        {
            // The write may or may not have reached Postgres. Forget this copy and reload from storage on the next
            // call, so memory never claims a message that is not durable (or holds a stale ETag).
            Messages.RemoveAt(Messages.Count - 1);
            LogAppendFailed(exception, this.GetPrimaryKeyString(), message.Sequence);
            DeactivateOnIdle();
            throw;
        }
    }

    public Task<IReadOnlyList<StoredMessage>> ReadAsync(long fromSequence, long toSequence)
    {
        var start = (int)Math.Clamp(fromSequence - _firstSequence, 0, Messages.Count);
        var end = (int)Math.Clamp(toSequence - _firstSequence + 1, 0, Messages.Count);
        IReadOnlyList<StoredMessage> slice = end > start ? Messages.GetRange(start, end - start) : [];
        return Task.FromResult(slice);
    }

    public Task<int> CountAsync() => Task.FromResult(Messages.Count);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Storing message {Sequence} in bucket {Bucket} failed; the bucket reloads from storage")]
    private partial void LogAppendFailed(Exception exception, string bucket, long sequence);
}
