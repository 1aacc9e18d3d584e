using Microsoft.Extensions.Logging;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Users;

namespace WhatsApp.Grains.Conversations;

/// <summary>
/// What a conversation tells its participants' user grains (which push to their devices): committed messages, receipts
/// and changed messages, in order for each participant, and independently between participants, so neither the conversation's next
/// write nor any other participant waits for one who is slow or unreachable (their silo may have just died). An
/// unreachable participant is retried on a grain timer, with what was queued for them meanwhile behind what failed;
/// what they missed is durable already. Runs on the owning grain's scheduler.
/// </summary>
internal sealed partial class ParticipantOutbox(IGrainBase grain, IGrainFactory grains, TimeSpan retryInterval, ILogger logger)
{
    private readonly Dictionary<long, Recipient> _recipients = [];
    private IGrainTimer? _retryTimer;

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
            if (!_recipients.TryGetValue(participant, out var recipient))
            {
                _recipients[participant] = recipient = new Recipient(participant);
            }

            recipient.Pending.Add(notification);
            if (!recipient.IsSending && !recipient.IsFailing)
            {
                _ = SendAsync(recipient);
            }
        }
    }

    /// <summary>Sends what is queued for one participant until nothing is left or a call fails (then the timer retries).</summary>
    private async Task SendAsync(Recipient recipient)
    {
        recipient.IsSending = true;
        try
        {
            while (recipient.Pending.Count > 0)
            {
                // Messages queued back to back go as one call; anything else goes on its own, in its place.
                var taken = recipient.Pending[0].Messages is null ? 1 : recipient.Pending.TakeWhile(notification => notification.Messages is not null).Count();
                var batch = recipient.Pending[..taken];
                if (!await TryNotifyAsync(recipient.UserId, batch))
                {
                    recipient.IsFailing = true;
                    _retryTimer ??= grain.RegisterGrainTimer(RetryFailingAsync, new GrainTimerCreationOptions(retryInterval, retryInterval) { KeepAlive = true });
                    return;
                }

                recipient.Pending.RemoveRange(0, taken);
            }

            _recipients.Remove(recipient.UserId);
        }
        finally
        {
            recipient.IsSending = false;
        }
    }

    private Task RetryFailingAsync(CancellationToken cancellationToken)
    {
        var failing = _recipients.Values.Where(recipient => recipient.IsFailing).ToList();
        foreach (var recipient in failing)
        {
            recipient.IsFailing = false;
            _ = SendAsync(recipient);
        }

        if (failing.Count == 0)
        {
            _retryTimer?.Dispose();
            _retryTimer = null;
        }

        return Task.CompletedTask;
    }

    private async Task<bool> TryNotifyAsync(long userId, List<Notification> batch)
    {
        try
        {
            var user = grains.GetGrain<IUserGrain>(userId);
            await (batch[0] switch
            {
                { Receipt: { } receipt } => user.OnReceiptAsync(receipt),
                { Changed: { } changed } => user.OnMessageChangedAsync(changed),
                _ => user.OnMessagesAsync([.. batch.SelectMany(notification => notification.Messages!)]),
            });
            return true;
        }
        catch (Exception exception)
        {
            LogNotificationFailed(exception.GetType().Name, userId, grain.GrainContext.GrainId.ToString());
            return false;
        }
    }

    /// <summary>One of: new messages, a receipt, or a changed message.</summary>
    private sealed record Notification(IReadOnlyList<ChatMessage>? Messages, Receipt? Receipt, ChatMessage? Changed);

    private sealed class Recipient(long userId)
    {
        public long UserId { get; } = userId;

        public List<Notification> Pending { get; } = [];

        public bool IsSending { get; set; }

        public bool IsFailing { get; set; }
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Could not reach user {UserId} for {Conversation} ({Error}); retrying")]
    private partial void LogNotificationFailed(string error, long userId, string conversation);
}
