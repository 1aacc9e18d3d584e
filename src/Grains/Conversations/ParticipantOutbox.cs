using Microsoft.Extensions.Logging;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Users;

namespace WhatsApp.Grains.Conversations;

/// <summary>
/// What a conversation tells its participants' user grains (which push to their devices): committed messages, receipts
/// and changed messages, in order for each participant, and independently between participants, so neither the
/// conversation's next write nor any other participant waits for one who is slow or unreachable (their silo may have just
/// died). Each participant has a <see cref="SerialOutbox{TBatch}"/> of their own while something is on its way to them:
/// an unreachable participant is retried on a grain timer, with what was queued for them meanwhile behind what failed;
/// what they missed is durable already. Runs on the owning grain's scheduler.
/// </summary>
internal sealed partial class ParticipantOutbox(IGrainBase grain, IGrainFactory grains, TimeSpan retryInterval, ILogger logger)
{
    private readonly Dictionary<long, SerialOutbox<Notifications>> _byParticipant = [];

    /// <summary>Queues committed messages (in sequence order) for every participant, after what is queued for each already.</summary>
    public void QueueMessages(IEnumerable<long> participants, IReadOnlyList<ChatMessage> messages) =>
        Queue(participants, new Notification(messages, null, null));

    public void QueueReceipt(IEnumerable<long> participants, Receipt receipt) =>
        Queue(participants, new Notification(null, receipt, null));

    /// <summary>Queues a message as it stands after an edit, a delete or a reaction.</summary>
    public void QueueChange(IEnumerable<long> participants, ChatMessage changed) =>
        Queue(participants, new Notification(null, null, changed));

    private void Queue(IEnumerable<long> participants, Notification notification)
    {
        foreach (var participant in participants)
        {
            if (!_byParticipant.TryGetValue(participant, out var outbox))
            {
                _byParticipant[participant] = outbox = new SerialOutbox<Notifications>(
                    batch => NotifyAsync(participant, batch),
                    grain.RetryTimer(),
                    retryInterval,
                    exception => LogNotificationFailed(exception.GetType().Name, participant, grain.GrainContext.GrainId.ToString()))
                {
                    Drained = () => _byParticipant.Remove(participant),
                };
            }

            outbox.Post(batch => batch.Add(notification));
        }
    }

    /// <summary>
    /// Tells one participant what is queued for them, a call at a time and in order; what a failed call left undelivered
    /// stays in the batch, to go back in front of the queue.
    /// </summary>
    private async Task NotifyAsync(long userId, Notifications batch)
    {
        var user = grains.GetGrain<IUserGrain>(userId);
        while (!batch.IsEmpty)
        {
            var (call, taken) = batch.NextCall();
            await (call switch
            {
                { Receipt: { } receipt } => user.OnReceiptAsync(receipt),
                { Changed: { } changed } => user.OnMessageChangedAsync(changed),
                _ => user.OnMessagesAsync(call.Messages!),
            });
            batch.Remove(taken);
        }
    }

    /// <summary>One of: new messages, a receipt, or a changed message.</summary>
    private sealed record Notification(IReadOnlyList<ChatMessage>? Messages, Receipt? Receipt, ChatMessage? Changed);

    /// <summary>One participant's notifications, in the order they are to arrive.</summary>
    private sealed class Notifications : IOutboxBatch<Notifications>
    {
        private readonly List<Notification> _queue = [];

        public bool IsEmpty => _queue.Count == 0;

        public void Add(Notification notification) => _queue.Add(notification);

        public void Append(Notifications later) => _queue.AddRange(later._queue);

        /// <summary>Messages queued back to back go as one call; anything else goes on its own, in its place.</summary>
        public (Notification Call, int Taken) NextCall()
        {
            if (_queue[0].Messages is null)
            {
                return (_queue[0], 1);
            }

            var messages = _queue.TakeWhile(notification => notification.Messages is not null).ToList();
            return (new Notification([.. messages.SelectMany(notification => notification.Messages!)], null, null), messages.Count);
        }

        public void Remove(int taken) => _queue.RemoveRange(0, taken);
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Could not reach user {UserId} for {Conversation} ({Error}); retrying")]
    private partial void LogNotificationFailed(string error, long userId, string conversation);
}
