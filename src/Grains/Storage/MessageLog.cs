using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using WhatsApp.Grains.Diagnostics;

namespace WhatsApp.Grains.Storage;

/// <summary>
/// The silo's message store: message rows, and the chat-list rows and marks that change with them. Writes from every
/// conversation on the silo are grouped: whatever arrives while earlier commits are running goes into the next
/// transaction, one round trip for all its rows, so the cost of a durable commit (the fsync) is shared instead of paid
/// per message. Each write's task completes only after its transaction has committed.
/// </summary>
public sealed partial class MessageLog : IAsyncDisposable
{
    private readonly ChatDatabase _database;
    private readonly GroupCommitOptions _options;
    private readonly ChatMetrics _metrics;
    private readonly ILogger<MessageLog> _logger;
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _commitSlots;
    private readonly Task _committer;

    public MessageLog(ChatDatabase database, IOptions<GroupCommitOptions> options, ChatMetrics metrics, ILogger<MessageLog> logger)
    {
        _database = database;
        _options = options.Value;
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
            : Task.FromException<WriteOutcome>(new ObjectDisposedException(nameof(MessageLog)));
    }

    /// <summary>The conversation's last stored sequence (0 when empty): one backward index probe, whatever its length.</summary>
    public async Task<long> LastSequenceAsync(string conversationId)
    {
        await using var command = _database.DataSource.CreateCommand(
            "SELECT coalesce(max(sequence), 0) FROM chat_message WHERE service_id = $1 AND conversation_id = $2");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _database.ServiceId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = conversationId });
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The stored messages with sequences in [from, to], ascending.</summary>
    public async Task<IReadOnlyList<MessageRow>> ReadAsync(string conversationId, long fromSequence, long toSequence)
    {
        await using var command = _database.DataSource.CreateCommand("""
            SELECT sequence, from_user_id, content, client_message_id, created_at FROM chat_message
            WHERE service_id = $1 AND conversation_id = $2 AND sequence BETWEEN $3 AND $4
            ORDER BY sequence
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _database.ServiceId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = conversationId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = fromSequence });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = toSequence });
        return await ReadMessagesAsync(command);
    }

    /// <summary>The stored messages that these senders sent with these clientMessageIds.</summary>
    public async Task<IReadOnlyList<MessageRow>> FindByClientMessageIdsAsync(string conversationId, IReadOnlyList<(long FromUserId, string ClientMessageId)> keys)
    {
        await using var command = _database.DataSource.CreateCommand("""
            SELECT sequence, from_user_id, content, client_message_id, created_at FROM chat_message
            WHERE service_id = $1 AND conversation_id = $2
              AND (from_user_id, client_message_id) IN (SELECT * FROM unnest($3::bigint[], $4::text[]))
            ORDER BY sequence
            """);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _database.ServiceId });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = conversationId });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = [.. keys.Select(key => key.FromUserId)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. keys.Select(key => key.ClientMessageId)] });
        return await ReadMessagesAsync(command);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _committer;
        _commitSlots.Dispose();
    }

    private static async Task<IReadOnlyList<MessageRow>> ReadMessagesAsync(NpgsqlCommand command)
    {
        var rows = new List<MessageRow>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new MessageRow(
                reader.GetInt64(0),
                reader.GetInt64(1),
                reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4)));
        }

        return rows;
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
            try
            {
                conflicted = await TryCommitAsync(batch);
            }
            catch (Exception exception)
            {
                LogCommitFailed(exception, batch.Count);
                foreach (var pending in batch)
                {
                    pending.Outcome.TrySetException(exception);
                }

                return;
            }

            if (conflicted.Count == 0)
            {
                _metrics.Committed(batch.Sum(pending => pending.Write.Messages.Count), clock.Elapsed);
                foreach (var pending in batch)
                {
                    pending.Outcome.TrySetResult(WriteOutcome.Committed);
                }

                return;
            }

            foreach (var pending in batch.Where(pending => conflicted.Contains(pending.Write.ConversationId)))
            {
                pending.Outcome.TrySetResult(WriteOutcome.Conflict);
            }

            batch = [.. batch.Where(pending => !conflicted.Contains(pending.Write.ConversationId))];
        }
    }

    /// <summary>One transaction, one round trip for the rows plus the commit; returns the conversations that conflicted (then nothing is stored).</summary>
    private async Task<HashSet<string>> TryCommitAsync(IReadOnlyList<PendingWrite> batch)
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
            .Where(write => write.Messages.Count > 0 && stored.GetValueOrDefault(write.ConversationId) != write.Messages.Count)
            .Select(write => write.ConversationId)
            .ToHashSet(StringComparer.Ordinal);
        if (conflicted.Count > 0)
        {
            await transaction.RollbackAsync();
            return conflicted;
        }

        await transaction.CommitAsync();
        return conflicted;
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "A group commit of {Writes} conversation writes failed; their sends fail and may be retried")]
    private partial void LogCommitFailed(Exception exception, int writes);

    private sealed class PendingWrite(ConversationWrite write)
    {
        public ConversationWrite Write { get; } = write;

        public TaskCompletionSource<WriteOutcome> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
