using System.Collections.Concurrent;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Testing;

namespace WhatsApp.Cluster.Tests.Infrastructure;

/// <summary>
/// Clients that keep sending into one conversation while a test breaks something, each retrying a failed send with
/// the same clientMessageId until it is acknowledged, as the contract tells clients to.
/// </summary>
public sealed class RetryingSenders
{
    private readonly ConcurrentBag<ChatMessage> _acknowledged = [];
    private readonly Task _sending;
    private int _failures;

    // Paced, so that sending still goes on when the test breaks something (unpaced, group commits finish them at once).
    private static readonly TimeSpan Pace = TimeSpan.FromMilliseconds(20);

    private RetryingSenders(ChatTestCluster cluster, long alice, long bob, int senders, int messagesEach)
    {
        Total = senders * messagesEach;
        _sending = Task.WhenAll(Enumerable.Range(0, senders).Select(sender => Task.Run(async () =>
        {
            var (from, to) = sender % 2 == 0 ? (alice, bob) : (bob, alice);
            for (var i = 0; i < messagesEach; i++)
            {
                await SendUntilAcknowledgedAsync(cluster, from, to, $"s{sender}-{i}");
                await Task.Delay(Pace);
            }
        })));
    }

    public int Total { get; }

    public int Failures => Volatile.Read(ref _failures);

    public int Acknowledged => _acknowledged.Count;

    public static RetryingSenders Start(ChatTestCluster cluster, long alice, long bob, int senders, int messagesEach) =>
        new(cluster, alice, bob, senders, messagesEach);

    public Task WhenAcknowledgedAtLeastAsync(int count) => Eventually.ReturnsAsync(
        () => Task.FromResult(_acknowledged.Count), acknowledged => acknowledged >= count, TimeSpan.FromSeconds(60), $"{count} acknowledged sends");

    /// <summary>Waits for every send, then checks the history: each message once, sequences 1..n, every acknowledgement true.</summary>
    public async Task AssertEachStoredOnceWithoutGapsAsync(ChatTestCluster cluster, long alice, long bob)
    {
        await _sending.WaitAsync(TimeSpan.FromMinutes(3));
        var history = await Eventually.SucceedsAsync(() => cluster.Grains.HistoryAsync(alice, bob), TimeSpan.FromSeconds(30), "reading the history");
        Assert.Equal(Enumerable.Range(1, Total).Select(i => (long)i), history.Select(message => message.Sequence));
        Assert.Equal(Total, history.Select(message => message.ClientMessageId).Distinct().Count());
        Assert.All(_acknowledged, message => Assert.Equal(message.ClientMessageId, history[(int)message.Sequence - 1].ClientMessageId));
    }

    private async Task SendUntilAcknowledgedAsync(ChatTestCluster cluster, long from, long to, string clientMessageId)
    {
        while (true)
        {
            try
            {
                var result = await cluster.Grains.Conversation(from, to).SendAsync(from, $"text of {clientMessageId}", clientMessageId);
                Assert.True(result.IsSuccess, result.Error?.Detail);
                _acknowledged.Add(result.Value.Message);
                return;
            }
            catch (Exception exception) when (exception is not Xunit.Sdk.XunitException)
            {
                Interlocked.Increment(ref _failures);
                await Task.Delay(100);
            }
        }
    }
}
