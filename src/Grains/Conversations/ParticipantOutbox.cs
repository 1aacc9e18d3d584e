using Microsoft.Extensions.Logging;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Users;

namespace WhatsApp.Grains.Conversations;

/// <summary>
/// What a conversation tells its participants' user grains (which push to their devices): committed messages in
/// sequence order through one loop, so the conversation's next write never waits for a participant (whose silo may
/// have just died), and receipts as they happen. A participant that cannot be reached is retried on a grain timer;
/// what it missed is durable already, so nothing waits for it. Runs on the owning grain's scheduler.
/// </summary>
internal sealed partial class ParticipantOutbox(IGrainBase grain, IGrainFactory grains, TimeSpan retryInterval, ILogger logger)
{
    private readonly List<Notification> _messages = [];
    private readonly Queue<Notification> _undelivered = new();
    private bool _isSendingMessages;
    private IGrainTimer? _retryTimer;

    /// <summary>Queues committed messages for every participant; they go out in order, after what is queued already.</summary>
    public void QueueMessages(IReadOnlyList<long> participants, IReadOnlyList<ChatMessage> messages)
    {
        _messages.AddRange(participants.Select(participant => new Notification(participant, messages, null)));
        if (!_isSendingMessages)
        {
            _ = SendQueuedMessagesAsync();
        }
    }

    /// <summary>Tells the participants these messages again now (a retried send: the first attempt may have missed one).</summary>
    public Task ResendAsync(IReadOnlyList<long> participants, IReadOnlyList<ChatMessage> messages) =>
        NotifyAsync(participants.Select(participant => new Notification(participant, messages, null)));

    public Task SendReceiptAsync(IReadOnlyList<long> participants, Receipt receipt) =>
        NotifyAsync(participants.Select(participant => new Notification(participant, null, receipt)));

    private async Task SendQueuedMessagesAsync()
    {
        _isSendingMessages = true;
        try
        {
            while (_messages.Count > 0)
            {
                // Everything queued meanwhile goes to each participant as one call, in sequence order.
                var round = _messages
                    .GroupBy(notification => notification.UserId)
                    .Select(user => new Notification(user.Key, [.. user.SelectMany(notification => notification.Messages!)], null))
                    .ToList();
                _messages.Clear();
                await NotifyAsync(round);
            }
        }
        finally
        {
            _isSendingMessages = false;
        }
    }

    private async Task NotifyAsync(IEnumerable<Notification> notifications)
    {
        var batch = notifications.ToList();
        var delivered = await Task.WhenAll(batch.Select(TryNotifyAsync));
        for (var i = 0; i < batch.Count; i++)
        {
            if (!delivered[i])
            {
                _undelivered.Enqueue(batch[i]);
            }
        }

        if (_undelivered.Count > 0 && _retryTimer is null)
        {
            _retryTimer = grain.RegisterGrainTimer(RetryUndeliveredAsync, new GrainTimerCreationOptions(retryInterval, retryInterval) { KeepAlive = true });
        }
    }

    private async Task RetryUndeliveredAsync(CancellationToken cancellationToken)
    {
        while (_undelivered.TryPeek(out var next) && await TryNotifyAsync(next))
        {
            _undelivered.Dequeue();
        }

        if (_undelivered.Count == 0)
        {
            _retryTimer?.Dispose();
            _retryTimer = null;
        }
    }

    private async Task<bool> TryNotifyAsync(Notification notification)
    {
        try
        {
            var user = grains.GetGrain<IUserGrain>(notification.UserId);
            await (notification.Messages is { } messages ? user.OnMessagesAsync(messages) : user.OnReceiptAsync(notification.Receipt!));
            return true;
        }
        catch (Exception exception)
        {
            LogNotificationFailed(exception.GetType().Name, notification.UserId, grain.GrainContext.GrainId.ToString());
            return false;
        }
    }

    private sealed record Notification(long UserId, IReadOnlyList<ChatMessage>? Messages, Receipt? Receipt);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Could not reach user {UserId} for {Conversation} ({Error}); retrying")]
    private partial void LogNotificationFailed(string error, long userId, string conversation);
}
