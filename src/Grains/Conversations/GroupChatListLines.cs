using Microsoft.Extensions.Logging;
using WhatsApp.Grains.Storage;

namespace WhatsApp.Grains.Conversations;

/// <summary>
/// Moves a group's members' chat-list lines forward after its commits, so a send writes its message row and not a line
/// per member: the lines are written after the acknowledgement, one write at a time, and whatever commits meanwhile is
/// folded into the next write (each member's line goes straight to the newest message they may see). A write that
/// fails is retried on a timer; the grain rewrites every member's line when it activates, so lines a crash left behind
/// are rebuilt from the message rows. Runs on the owning grain's scheduler.
/// </summary>
internal sealed partial class GroupChatListLines(IGrainBase grain, ConversationLog log, TimeSpan retryInterval, ILogger logger)
{
    private readonly Dictionary<long, ChatListUpdate> _pending = [];
    private bool _isWriting;
    private IGrainTimer? _retryTimer;
    private TaskCompletionSource? _idle;

    /// <summary>A member's line is to show this message (the newest they may see) and their own newest message so far.</summary>
    public void Advance(long userId, MessageRow newest, long ownNewest)
    {
        var own = Math.Max(ownNewest, _pending.TryGetValue(userId, out var queued) ? queued.LastOwnSequence : 0);
        _pending[userId] = new ChatListUpdate(userId, newest, own);
        if (!_isWriting && _retryTimer is null)
        {
            _ = WriteAsync();
        }
    }

    /// <summary>Lines waiting to show this message show it as it stands now (after an edit or a delete).</summary>
    public void Replace(MessageRow changed)
    {
        foreach (var line in _pending.Values.Where(line => line.LastMessage.Sequence == changed.Sequence).ToList())
        {
            _pending[line.UserId] = line with { LastMessage = changed };
        }
    }

    /// <summary>Completes when no line write is in flight (one that started before a change could still carry its old text).</summary>
    public Task IdleAsync()
    {
        if (!_isWriting)
        {
            return Task.CompletedTask;
        }

        _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _idle.Task;
    }

    private async Task WriteAsync()
    {
        _isWriting = true;
        try
        {
            while (_pending.Count > 0)
            {
                var lines = _pending.Values.ToList();
                _pending.Clear();
                try
                {
                    await log.WriteLinesAsync(lines);
                }
                catch (Exception exception)
                {
                    // Lines that advanced meanwhile are newer than these; the others go back to be written again.
                    foreach (var line in lines.Where(line => !_pending.ContainsKey(line.UserId)))
                    {
                        _pending[line.UserId] = line;
                    }

                    LogLinesFailed(exception, grain.GrainContext.GrainId.ToString(), lines.Count);
                    _retryTimer = grain.RegisterGrainTimer(RetryAsync, new GrainTimerCreationOptions(retryInterval, Timeout.InfiniteTimeSpan) { KeepAlive = true });
                    return;
                }
            }
        }
        finally
        {
            _isWriting = false;
            _idle?.SetResult();
            _idle = null;
        }
    }

    private Task RetryAsync(CancellationToken cancellationToken)
    {
        _retryTimer?.Dispose();
        _retryTimer = null;
        if (!_isWriting)
        {
            _ = WriteAsync(); // not awaited: the timer's turn would hold the grain's calls for the whole write
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "The chat-list lines of {Conversation} for {Count} members could not be written; retrying")]
    private partial void LogLinesFailed(Exception exception, string conversation, int count);
}
