using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Npgsql;
using WhatsApp.Grains.Operations;
using WhatsApp.Telemetry;

namespace WhatsApp.Grains.Storage;

/// <summary>
/// The silo's writer for one database: message rows, and the chat-list rows and marks that change with them. Writes
/// from every conversation on the silo are grouped: whatever arrives while earlier commits are running goes into the
/// next transaction, one round trip for all its rows, so the cost of a durable commit (the fsync) is shared instead of
/// paid per message. Each write's task completes only after its transaction has committed. A batch never spans two
/// databases: each database has its own writer.
/// </summary>
public sealed partial class GroupCommitWriter : IAsyncDisposable
{
    private readonly ChatDatabase _database;
    private readonly GroupCommitOptions _options;
    private readonly ChatMetrics _metrics;
    private readonly ILogger _logger;
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _commitSlots;
    private readonly Task _committer;

    public GroupCommitWriter(ChatDatabase database, GroupCommitOptions options, ChatMetrics metrics, ILogger logger)
    {
        _database = database;
        _options = options;
        _metrics = metrics;
        _logger = logger;
        _commitSlots = new SemaphoreSlim(_options.MaxConcurrentCommits, _options.MaxConcurrentCommits);
        _committer = Task.Run(GroupAndCommitAsync);
    }

    /// <summary>Queues one conversation's write for the next commit; completes when it is durable, or conflicted.</summary>
    public Task<WriteOutcome> AppendAsync(ConversationWrite write)
    {
        var pending = new PendingWrite(write);
        return _queue.Writer.TryWrite(pending)
            ? pending.Outcome.Task
            : Task.FromException<WriteOutcome>(new ObjectDisposedException(nameof(GroupCommitWriter)));
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _committer;
        _commitSlots.Dispose();
    }

    /// <summary>
    /// Takes everything queued (up to the row bound) as soon as a commit slot is free. No timer: at low load a write is
    /// committed at once; under load the writes that queue behind running commits form the next, larger batch.
    /// </summary>
    private async Task GroupAndCommitAsync()
    {
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync())
        {
            await _commitSlots.WaitAsync();
            var batch = new List<PendingWrite>();
            var rows = 0;
            while (rows < _options.MaxRowsPerCommit && reader.TryRead(out var pending))
            {
                batch.Add(pending);
                rows += pending.Write.RowCount;
            }

            _ = CommitThenReleaseSlotAsync(batch);
        }

        // Drain: wait for the commits still running before the store goes away.
        for (var slot = 0; slot < _options.MaxConcurrentCommits; slot++)
        {
            await _commitSlots.WaitAsync();
        }
    }

    private async Task CommitThenReleaseSlotAsync(List<PendingWrite> batch)
    {
        try
        {
            await CommitAsync(batch);
        }
        finally
        {
            _commitSlots.Release();
        }
    }

    /// <summary>
    /// Commits the batch; writes that conflict are answered <see cref="WriteOutcome.Conflict"/> and the rest committed in
    /// a new transaction, so one retried send never fails the others that shared its batch.
    /// </summary>
    private async Task CommitAsync(IReadOnlyList<PendingWrite> batch)
    {
        while (batch.Count > 0)
        {
            HashSet<string> conflicted;
            var clock = Stopwatch.StartNew();
            // Npgsql's spans of this transaction go into the first traced write's message path.
            Activity.Current = batch.Select(pending => pending.Span).FirstOrDefault(span => span is not null);
            try
            {
                conflicted = await TryCommitOnLiveConnectionAsync(batch);
            }
            catch (Exception exception)
            {
                LogCommitFailed(exception, batch.Count, _database.Name);
                foreach (var pending in batch)
                {
                    pending.Outcome.TrySetException(exception);
                }

                return;
            }

            if (conflicted.Count == 0)
            {
                var messages = batch.Sum(pending => pending.Write.Messages.Count);
                _metrics.Committed(messages, clock.Elapsed);
                foreach (var pending in batch)
                {
                    ChatTracing.DescribeCommit(pending.Span, messages, batch.Count, clock.Elapsed);
                    pending.Outcome.TrySetResult(WriteOutcome.Committed);
                }

                return;
            }

            foreach (var pending in batch.Where(pending => conflicted.Contains(pending.Write.Key)))
            {
                pending.Outcome.TrySetResult(WriteOutcome.Conflict);
            }

            batch = [.. batch.Where(pending => !conflicted.Contains(pending.Write.Key))];
        }
    }

    /// <summary>
    /// Commits the batch, once more on a fresh connection when the pooled one had died with an earlier server before
    /// the commit was sent (nothing of the transaction can have been stored then). A connection lost while committing
    /// leaves the outcome unknown: that fails the batch, and its senders retry with their clientMessageIds.
    /// </summary>
    private Task<HashSet<string>> TryCommitOnLiveConnectionAsync(IReadOnlyList<PendingWrite> batch)
    {
        var attempt = new CommitAttempt();
        return ChatDatabase.OnceMoreIfConnectionLostAsync(
            () => TryCommitAsync(batch, attempt = new CommitAttempt()), _database.DataSource.Clear, mayRepeat: () => !attempt.CommitSent);
    }

    /// <summary>One transaction, one round trip for the rows plus the commit; returns the conversations that conflicted (then nothing is stored).</summary>
    private async Task<HashSet<string>> TryCommitAsync(IReadOnlyList<PendingWrite> batch, CommitAttempt attempt)
    {
        var writes = batch.Select(pending => pending.Write).ToList();
        await using var connection = await _database.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlBatch(connection, transaction);
        var insertsMessages = writes.Any(write => write.Messages.Count > 0);
        if (insertsMessages)
        {
            command.BatchCommands.Add(MessageRowsSql.InsertMessages(_database.ServiceId, writes));
        }

        if (writes.Any(write => write.ChatListUpdates.Count > 0))
        {
            command.BatchCommands.Add(MessageRowsSql.UpsertChatListLines(_database.ServiceId, writes));
        }

        if (writes.Any(write => write.Marks.Count > 0))
        {
            command.BatchCommands.Add(MessageRowsSql.UpdateMarks(_database.ServiceId, writes));
        }

        if (writes.Any(write => write.ConversationMarks.Count > 0))
        {
            command.BatchCommands.Add(MessageRowsSql.UpsertConversationMarks(_database.ServiceId, writes));
        }

        if (writes.Any(write => write.StaleLineOwners.Count > 0))
        {
            command.BatchCommands.Add(MessageRowsSql.NoteStaleLines(_database.ServiceId, writes));
        }

        var stored = new Dictionary<string, int>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (insertsMessages && await reader.ReadAsync())
            {
                var conversation = reader.GetString(0);
                stored[conversation] = stored.GetValueOrDefault(conversation) + 1;
            }
        }

        var conflicted = writes
            .Where(write => write.Messages.Count > 0 && stored.GetValueOrDefault(write.Key) != write.Messages.Count)
            .Select(write => write.Key)
            .ToHashSet(StringComparer.Ordinal);
        if (conflicted.Count > 0)
        {
            await transaction.RollbackAsync();
            return conflicted;
        }

        attempt.CommitSent = true;
        await transaction.CommitAsync();
        return conflicted;
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "A group commit of {Writes} conversation writes to {Database} failed; their sends fail and may be retried")]
    private partial void LogCommitFailed(Exception exception, int writes, string database);

    private sealed class CommitAttempt
    {
        public bool CommitSent { get; set; }
    }

    private sealed class PendingWrite(ConversationWrite write)
    {
        public ConversationWrite Write { get; } = write;

        public TaskCompletionSource<WriteOutcome> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The commit span of a traced send that made this write (the writer tells it its transaction's figures).</summary>
        public Activity? Span { get; } = Activity.Current is { Recorded: true, OperationName: ChatTracing.CommitSpan } commit ? commit : null;
    }
}
