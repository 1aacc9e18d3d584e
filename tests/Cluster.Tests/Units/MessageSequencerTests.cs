using WhatsApp.Grains.Abstractions.Ids;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Conversations;
using WhatsApp.Grains.Storage;

namespace WhatsApp.Cluster.Tests.Units;

/// <summary>
/// The numbering of a conversation's messages on its own, over an in-memory store, driven as a grain drives it: every
/// call on one exclusive scheduler, so only the store's answers interleave with the drafts.
/// </summary>
public sealed class MessageSequencerTests
{
    private const long Alice = 1, Bob = 2;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly TaskScheduler _grainLike = new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler;
    private readonly InMemoryMessageStore _store = new();
    private readonly List<long[]> _announced = [];
    private readonly MessageSequencer _sequencer;

    public MessageSequencerTests() =>
        _sequencer = new MessageSequencer(_store, TimeProvider.System, recentClientMessageIds: 16, (rows, _) => _announced.Add([.. rows.Select(row => row.Sequence)]));

    [Fact]
    public async Task Drafts_QueuedWhileAWriteIsInFlight_GoAsTheNextSingleWrite_NumberedWithoutGaps()
    {
        var firstWrite = _store.HoldNextAppend();
        var first = await AppendAsync(Text(Alice, "1"));
        var later = new List<Task<SequencedMessage>>();
        for (var i = 2; i <= 5; i++)
        {
            later.Add(await AppendAsync(Text(i % 2 == 0 ? Bob : Alice, $"{i}")));
        }

        firstWrite.SetResult();
        var answered = await Task.WhenAll(later.Prepend(first)).WaitAsync(Bound);

        Assert.Equal([1L, 2, 3, 4, 5], answered.Select(sent => sent.Message.Sequence));
        Assert.Equal(["1", "2", "3", "4", "5"], answered.Select(sent => sent.Message.Content));
        Assert.All(answered, sent => Assert.False(sent.WasDuplicate));
        Assert.Equal([[1L], [2, 3, 4, 5]], _store.Writes);
        Assert.Equal([[1L], [2, 3, 4, 5]], _announced);
        Assert.Equal(5, await OnGrainAsync(() => _sequencer.LastSequence));
    }

    [Fact]
    public async Task ClientMessageId_IsFoundBeingWrittenUntilCommitted_ThenInWhatWasCommittedLately()
    {
        var write = _store.HoldNextAppend();
        var sent = await AppendAsync(Text(Alice, "once", "c-1"));

        Assert.NotNull(await OnGrainAsync(() => _sequencer.BeingWritten(Alice, "c-1")));
        Assert.Null(await OnGrainAsync(() => _sequencer.BeingWritten(Bob, "c-1")));
        write.SetResult();
        await sent.WaitAsync(Bound);

        Assert.Null(await OnGrainAsync(() => _sequencer.BeingWritten(Alice, "c-1")));
        var committed = await AwaitOnGrainAsync(() => _sequencer.CommittedLatelyAsync(Alice, "c-1"));
        Assert.Equal(("once", 1L), (committed!.Content, committed.Sequence));
        Assert.Null(await AwaitOnGrainAsync(() => _sequencer.CommittedLatelyAsync(Bob, "c-1")));
    }

    [Fact]
    public async Task Commit_FailingAfterStoring_FailsItsDrafts_AndTheNextIsNumberedAfterWhatStorageHas()
    {
        _store.FailNextAppend(afterStoring: true);

        var lost = await AppendAsync(Text(Alice, "outcome unknown", "c-1"));
        await Assert.ThrowsAsync<StoreFault>(() => lost.WaitAsync(Bound));
        var next = await (await AppendAsync(Text(Bob, "after"))).WaitAsync(Bound);

        Assert.Equal(2, next.Message.Sequence);
        Assert.Equal([[2L]], _announced);
        Assert.Null(await OnGrainAsync(() => _sequencer.BeingWritten(Alice, "c-1")));
    }

    [Fact]
    public async Task Conflict_WithAnotherWriter_AnswersWhatItStoredAsDuplicates_AndNumbersTheRestAfterIt()
    {
        var firstWrite = _store.HoldNextAppend();
        var first = await AppendAsync(Text(Bob, "first"));
        var retried = await AppendAsync(Text(Alice, "first attempt", "c-1"));
        var fresh = await AppendAsync(Text(Bob, "fresh", "c-2"));
        // Another activation (a silo that was thought dead) wrote meanwhile: the retry's first attempt, and another.
        _store.StoreElsewhere(new MessageRow(2, Alice, "first attempt", "c-1", DateTimeOffset.UnixEpoch));
        _store.StoreElsewhere(new MessageRow(3, Bob, "another", null, DateTimeOffset.UnixEpoch));
        firstWrite.SetResult();

        Assert.Equal(1, (await first.WaitAsync(Bound)).Message.Sequence);
        var duplicate = await retried.WaitAsync(Bound);
        Assert.True(duplicate.WasDuplicate);
        Assert.Equal(2, duplicate.Message.Sequence);
        var stored = await fresh.WaitAsync(Bound);
        Assert.False(stored.WasDuplicate);
        Assert.Equal(4, stored.Message.Sequence);
        Assert.Equal([[1L], [2, 3], [4]], _store.Writes);
        Assert.Equal([[1L], [4]], _announced);
    }

    [Fact]
    public async Task Conflicts_PastTheLimit_FailTheDraftInsteadOfRetryingForever()
    {
        _store.ConflictAlways = true;

        var stuck = await AppendAsync(Text(Alice, "never fits"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => stuck.WaitAsync(Bound));
        Assert.Equal(MessageSequencer.MaxConflictsPerDraft, _store.Writes.Count);
        Assert.Empty(_announced);
    }

    [Fact]
    public async Task LastSequence_Unreadable_FailsWhatWaits_ThenIsReadAgainBeforeTheNextDraftIsNumbered()
    {
        var write = _store.HoldNextAppend();
        var first = await AppendAsync(Text(Alice, "in flight"));
        var waiting = await AppendAsync(Text(Bob, "queued"));

        _store.LastSequenceFails = true;
        write.SetException(new StoreFault("the database went away"));
        await Assert.ThrowsAsync<StoreFault>(() => first.WaitAsync(Bound));
        await Assert.ThrowsAsync<StoreFault>(() => waiting.WaitAsync(Bound));

        _store.LastSequenceFails = false;
        _store.StoreElsewhere(new MessageRow(1, Bob, "written while it was unreadable", null, DateTimeOffset.UnixEpoch));
        var after = await (await AppendAsync(Text(Alice, "back"))).WaitAsync(Bound);

        Assert.Equal(2, after.Message.Sequence);
        Assert.Equal([[1L], [2L]], _store.Writes);
    }

    private sealed class StoreFault(string message) : Exception(message);

    private static MessageDraft Text(long from, string content, string? clientMessageId = null) =>
        new(from, content, clientMessageId, MessageKind.Text);

    /// <summary>Queues a draft on the grain-like scheduler; the answer it gives once the draft is committed (or failed).</summary>
    private Task<Task<SequencedMessage>> AppendAsync(MessageDraft draft) => OnGrainAsync(() => _sequencer.AppendAsync(draft));

    private Task<T> OnGrainAsync<T>(Func<T> call) =>
        Task.Factory.StartNew(call, CancellationToken.None, TaskCreationOptions.None, _grainLike);

    private Task<T> AwaitOnGrainAsync<T>(Func<Task<T>> call) =>
        Task.Factory.StartNew(call, CancellationToken.None, TaskCreationOptions.None, _grainLike).Unwrap();

    /// <summary>
    /// Storage as the sequencer sees it: unique sequences and clientMessageIds (a write that would take one stores
    /// nothing), a write that can be held, failed before or after storing, and rows another writer stores.
    /// </summary>
    private sealed class InMemoryMessageStore : ISequencedMessageStore
    {
        private static readonly ConversationId Conversation = ConversationId.Direct(Alice, Bob);
        private readonly SortedDictionary<long, MessageRow> _rows = [];
        private readonly object _lock = new();
        private TaskCompletionSource? _held;
        private bool? _failNextAfterStoring;

        /// <summary>The sequences of every write the sequencer made, conflicting ones included.</summary>
        public List<long[]> Writes { get; } = [];

        public bool ConflictAlways { get; set; }

        public bool LastSequenceFails { get; set; }

        public TaskCompletionSource HoldNextAppend() => _held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public void FailNextAppend(bool afterStoring) => _failNextAfterStoring = afterStoring;

        public void StoreElsewhere(MessageRow row)
        {
            lock (_lock)
            {
                _rows.Add(row.Sequence, row);
            }
        }

        public Task<long> LastSequenceAsync()
        {
            lock (_lock)
            {
                return LastSequenceFails ? Task.FromException<long>(new StoreFault("the database is unreachable")) : Task.FromResult(_rows.Keys.LastOrDefault());
            }
        }

        public async Task<IReadOnlyList<ChatMessage>?> AppendAsync(IReadOnlyList<MessageRow> rows)
        {
            Writes.Add([.. rows.Select(row => row.Sequence)]);
            if (_held is { } held)
            {
                _held = null;
                await held.Task;
            }

            var failAfterStoring = _failNextAfterStoring;
            _failNextAfterStoring = null;
            if (failAfterStoring == false)
            {
                throw new StoreFault("the write never reached the database");
            }

            lock (_lock)
            {
                if (ConflictAlways || rows.Any(row => _rows.ContainsKey(row.Sequence) || (row.ClientMessageId is not null && _rows.Values.Any(stored =>
                        stored.FromUserId == row.FromUserId && stored.ClientMessageId == row.ClientMessageId))))
                {
                    return null;
                }

                foreach (var row in rows)
                {
                    _rows.Add(row.Sequence, row);
                }
            }

            return failAfterStoring == true ? throw new StoreFault("the answer to a committed write was lost") : Messages(rows);
        }

        public Task<IReadOnlyList<ChatMessage>> FindByClientMessageIdsAsync(IReadOnlyList<(long FromUserId, string ClientMessageId)> keys)
        {
            lock (_lock)
            {
                return Task.FromResult(Messages([.. _rows.Values.Where(row => keys.Contains((row.FromUserId, row.ClientMessageId!)))]));
            }
        }

        public Task<IReadOnlyList<ChatMessage>> ReadAsync(long oldest, long newest)
        {
            lock (_lock)
            {
                return Task.FromResult(Messages([.. _rows.Values.Where(row => row.Sequence >= oldest && row.Sequence <= newest)]));
            }
        }

        private static IReadOnlyList<ChatMessage> Messages(IReadOnlyList<MessageRow> rows) =>
            [.. rows.Select(row => ChatMessages.From(Conversation, row, shardCount: 3))];
    }
}
