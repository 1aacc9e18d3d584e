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
internal sealed partial class GroupChatListLines
{
    private readonly SerialOutbox<LinesToWrite> _outbox;
    private readonly string _conversation;
    private readonly ILogger _logger;

    public GroupChatListLines(IGrainBase grain, ConversationLog log, TimeSpan retryInterval, ILogger logger)
    {
        _conversation = grain.GrainContext.GrainId.ToString();
        _logger = logger;
        _outbox = new SerialOutbox<LinesToWrite>(lines => log.WriteLinesAsync(lines.Lines), grain.RetryTimer(), retryInterval, LogLinesFailed);
    }

    /// <summary>A member's line is to show this message (the newest they may see) and their own newest message so far.</summary>
    public void Advance(long userId, MessageRow newest, long ownNewest) =>
        _outbox.Post(lines => lines.Advance(new ChatListUpdate(userId, newest, ownNewest)));

    /// <summary>Lines waiting to show this message show it as it stands now (after an edit or a delete).</summary>
    public void Replace(MessageRow changed) => _outbox.Pending.Replace(changed);

    /// <summary>Completes when no line write is in flight (one that started before a change could still carry its old text).</summary>
    public Task IdleAsync() => _outbox.IdleAsync();

    private void LogLinesFailed(Exception exception) => LogLinesFailed(exception, _conversation);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "The chat-list lines of {Conversation} could not be written; retrying")]
    private partial void LogLinesFailed(Exception exception, string conversation);

    /// <summary>At most one line per member: the newest message they may see, and the newest of their own.</summary>
    private sealed class LinesToWrite : IOutboxBatch<LinesToWrite>
    {
        private readonly Dictionary<long, ChatListUpdate> _byMember = [];

        public bool IsEmpty => _byMember.Count == 0;

        public IReadOnlyList<ChatListUpdate> Lines => [.. _byMember.Values];

        public void Advance(ChatListUpdate line) =>
            _byMember[line.UserId] = _byMember.TryGetValue(line.UserId, out var queued)
                ? line with { LastOwnSequence = Math.Max(line.LastOwnSequence, queued.LastOwnSequence) }
                : line;

        public void Replace(MessageRow changed)
        {
            foreach (var line in _byMember.Values.Where(line => line.LastMessage.Sequence == changed.Sequence).ToList())
            {
                _byMember[line.UserId] = line with { LastMessage = changed };
            }
        }

        public void Append(LinesToWrite later)
        {
            foreach (var line in later._byMember.Values)
            {
                Advance(line);
            }
        }
    }
}
