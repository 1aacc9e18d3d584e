using System.Diagnostics;
using System.Diagnostics.Metrics;
using WhatsApp.Cluster.Tests.Infrastructure;
using WhatsApp.Grains.Operations;
using WhatsApp.Testing;

namespace WhatsApp.Cluster.Tests;

/// <summary>Messages as rows, written in group commits: shared transactions, exact retries, no replay on activation.</summary>
[Collection(PostgresCollection.Name)]
public sealed class GroupCommitTests(PostgresFixture postgres)
{
    [Fact]
    public async Task SendAsync_FirstMessagesOf190ConversationsAtOnce_ShareTransactions()
    {
        var cluster = await postgres.SharedClusterAsync();
        var users = Enumerable.Range(0, 20).Select(_ => TestIds.User()).ToList();
        foreach (var user in users)
        {
            await cluster.Grains.RegisterAsync(user);
        }

        using var commits = new CommitRecorder();
        var pairs = users.SelectMany((a, i) => users.Skip(i + 1).Select(b => (a, b))).ToList();
        var sent = await Task.WhenAll(pairs.Select(pair => cluster.Grains.SendAsync(pair.a, pair.b, "hello")));

        Assert.All(sent, message => Assert.Equal(1, message.Sequence));
        Assert.Equal(pairs.Count, commits.Messages);
        Assert.True(commits.Count < pairs.Count, $"{pairs.Count} messages took {commits.Count} commits: none was shared.");
    }

    [Fact]
    public async Task SendAsync_200ConcurrentSendsIntoOneConversation_GoIntoFewWritesWithGaplessSequences()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (alice, bob) = await cluster.Grains.RegisterPairAsync();
        await cluster.Grains.SendAsync(alice, bob, "first");

        using var commits = new CommitRecorder();
        var sent = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => cluster.Grains.SendAsync(alice, bob, $"burst {i}")));

        Assert.Equal(Enumerable.Range(2, 200).Select(i => (long)i), sent.Select(message => message.Sequence).Order());
        Assert.True(commits.Count < 100, $"200 sends into one conversation took {commits.Count} commits.");
    }

    [Fact]
    public async Task SendAsync_PostgresStopsMidStream_RetriesWithTheirClientMessageIdsStoreEachMessageOnceWithoutGaps()
    {
        // Durable as shipped: a relaxed server loses its last commits when it is stopped at once, acknowledged or not.
        await using var server = await PostgresServer.StartAsync(PostgresDurability.AsShipped);
        await using var cluster = await ChatTestCluster.StartAsync(server.ConnectionString());
        var (alice, bob) = await cluster.Grains.RegisterPairAsync();

        var senders = RetryingSenders.Start(cluster, alice, bob, senders: 4, messagesEach: 100);
        await senders.WhenAcknowledgedAtLeastAsync(40);
        await server.StopServerAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
        await server.StartServerAsync();

        await senders.AssertEachStoredOnceWithoutGapsAsync(cluster, alice, bob);
        Assert.True(senders.Failures > 0, "No send failed: the outage did not break anything.");
    }

    [Fact]
    public async Task Activation_ConversationOf100000Messages_ReadsOnlyItsLastSequenceAndStillKnowsTheFirstClientMessageId()
    {
        var cluster = await postgres.SharedClusterAsync();
        var (alice, bob) = await cluster.Grains.RegisterPairAsync();
        var conversation = Grains.Abstractions.Ids.ConversationId.Direct(alice, bob).ToString();
        await postgres.Server.QueryScalarAsync<int?>($"""
            INSERT INTO chat_message (service_id, conversation_id, sequence, from_user_id, client_message_id, content, created_at)
            SELECT '{cluster.ServiceId}', '{conversation}', n, {alice}, 'seed-' || n, 'seeded message ' || n, now() - interval '1 day'
            FROM generate_series(1, 100000) AS n
            """);

        using var queries = new ChatMessageQueryRecorder();
        var newest = await cluster.Grains.Conversation(alice, bob).GetHistoryAsync(bob, null, 1);

        Assert.Equal(100_000, Assert.Single(newest.Value!.Messages).Sequence);
        Assert.Equal(2, queries.Count); // the last sequence on activation, then the one page asked for
        var retry = await cluster.Grains.Conversation(alice, bob).SendAsync(alice, "seeded message 1", "seed-1");
        Assert.True(retry.Value!.WasDuplicate);
        Assert.Equal(1, retry.Value.Message.Sequence);
        Assert.Equal(100_001, (await cluster.Grains.SendAsync(bob, alice, "after a long history")).Sequence);
    }

    /// <summary>Counts the group commits of every silo in this process, through the silos' own metrics.</summary>
    private sealed class CommitRecorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private int _count;
        private int _messages;

        public CommitRecorder()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == ChatMetrics.MeterName && instrument.Name == "whatsapp.chat.commit.batch.size")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<int>((_, messages, _, _) =>
            {
                // Writes of marks alone are commits of no message.
                if (messages > 0)
                {
                    Interlocked.Increment(ref _count);
                    Interlocked.Add(ref _messages, messages);
                }
            });
            _listener.Start();
        }

        public int Count => Volatile.Read(ref _count);

        public int Messages => Volatile.Read(ref _messages);

        public void Dispose() => _listener.Dispose();
    }

    /// <summary>Counts the statements on chat_message that the silos in this process send, through Npgsql's tracing.</summary>
    private sealed class ChatMessageQueryRecorder : IDisposable
    {
        private readonly ActivityListener _listener;
        private int _count;

        public ChatMessageQueryRecorder()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == "Npgsql",
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = activity =>
                {
                    var statement = activity.GetTagItem("db.query.text") ?? activity.GetTagItem("db.statement");
                    if (statement is string text && text.Contains("FROM chat_message", StringComparison.Ordinal))
                    {
                        Interlocked.Increment(ref _count);
                    }
                },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public int Count => Volatile.Read(ref _count);

        public void Dispose() => _listener.Dispose();
    }
}
