using WhatsApp.Grains.Conversations;

namespace WhatsApp.Cluster.Tests.Units;

/// <summary>
/// The outbox that carries a conversation's notifications and a group's chat-list lines, on its own: driven as a grain
/// drives it (every call on one exclusive scheduler), with deliveries the test holds, fails or lets through, and a
/// retry the test fires instead of a timer.
/// </summary>
public sealed class SerialOutboxTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private readonly TaskScheduler _grainLike = new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler;
    private readonly Queue<Delivery> _deliveries = [];
    private readonly List<string[]> _delivered = [];
    private readonly List<Exception> _failures = [];
    private readonly List<(Func<Task> Retry, TimeSpan Delay)> _retries = [];
    private readonly SerialOutbox<Items> _outbox;
    private int _drained;

    public SerialOutboxTests() =>
        _outbox = new SerialOutbox<Items>(DeliverAsync, ScheduleRetry, TimeSpan.FromSeconds(3), _failures.Add) { Drained = () => _drained++ };

    [Fact]
    public async Task Posts_WhileADeliveryIsInFlight_GoTogetherAsTheNextDelivery()
    {
        var first = Hold();
        await PostAsync("a");
        await PostAsync("b");
        await PostAsync("c");

        Assert.True(await OnGrainAsync(() => _outbox.IsDelivering));
        first.Release();
        await WhenAsync(() => _drained == 1);

        Assert.Equal([["a"], ["b", "c"]], _delivered);
        Assert.Empty(_retries);
    }

    [Fact]
    public async Task FailedDelivery_GoesBackInFrontOfWhatWasPostedSince_AndWaitsForItsRetry()
    {
        var failing = Hold();
        await PostAsync("a");
        await PostAsync("b");
        failing.Fail(deliveredFirst: 0);
        await WhenAsync(() => _retries.Count == 1);

        await PostAsync("c");
        Assert.False(await OnGrainAsync(() => _outbox.IsDelivering));
        Assert.Equal([[]], _delivered);
        Assert.Equal(0, _drained);

        await OnGrainAsync(() => _retries[0].Retry());
        await WhenAsync(() => _drained == 1);

        Assert.Equal([[], ["a", "b", "c"]], _delivered);
        Assert.Equal(TimeSpan.FromSeconds(3), _retries[0].Delay);
        Assert.Single(_failures);
    }

    [Fact]
    public async Task DeliveryFailingHalfway_RetriesOnlyWhatItLeftUndelivered()
    {
        var (first, second) = (Hold(), Hold());
        await PostAsync("a");
        await OnGrainAsync(() => _outbox.Post(items => items.Add("b", "c", "d")));
        first.Release();
        await WhenAsync(() => _delivered.Count == 1);
        second.Fail(deliveredFirst: 1);
        await WhenAsync(() => _retries.Count == 1);

        await OnGrainAsync(() => _retries[0].Retry());
        await WhenAsync(() => _drained == 1);

        Assert.Equal([["a"], ["b"], ["c", "d"]], _delivered);
    }

    [Fact]
    public async Task IdleAsync_CompletesWhenTheDeliveryInFlightEnds_AndAtOnceWhenNoneIs()
    {
        Assert.True((await OnGrainAsync(_outbox.IdleAsync)).IsCompleted);
        var held = Hold();
        await PostAsync("a");

        var idle = await OnGrainAsync(_outbox.IdleAsync);
        await Task.Delay(50);
        Assert.False(idle.IsCompleted);
        held.Release();
        await idle.WaitAsync(Bound);
    }

    [Fact]
    public async Task Pending_CanBeRewrittenBeforeItIsDelivered()
    {
        var held = Hold();
        await PostAsync("a");
        await PostAsync("b");
        await OnGrainAsync(() => _outbox.Pending.Rewrite("b", "b, edited"));

        held.Release();
        await WhenAsync(() => _drained == 1);

        Assert.Equal([["a"], ["b, edited"]], _delivered);
    }

    private Delivery Hold()
    {
        var delivery = new Delivery();
        _deliveries.Enqueue(delivery);
        return delivery;
    }

    /// <summary>Delivers the batch's items one at a time, taking each out of it, as the participant outbox does.</summary>
    private async Task DeliverAsync(Items batch)
    {
        var delivered = new List<string>();
        try
        {
            if (_deliveries.TryDequeue(out var delivery))
            {
                var deliveredFirst = await delivery.Outcome.Task;
                if (deliveredFirst is { } count)
                {
                    delivered.AddRange(batch.TakeFirst(count));
                    throw new InvalidOperationException("The recipient is unreachable.");
                }
            }

            delivered.AddRange(batch.TakeFirst(int.MaxValue));
        }
        finally
        {
            _delivered.Add([.. delivered]);
        }
    }

    private Cancellation ScheduleRetry(Func<Task> retry, TimeSpan delay)
    {
        _retries.Add((retry, delay));
        return new Cancellation();
    }

    private Task PostAsync(string item) => OnGrainAsync(() => _outbox.Post(items => items.Add(item)));

    private Task OnGrainAsync(Action call) => Task.Factory.StartNew(call, CancellationToken.None, TaskCreationOptions.None, _grainLike);

    private Task<T> OnGrainAsync<T>(Func<T> call) => Task.Factory.StartNew(call, CancellationToken.None, TaskCreationOptions.None, _grainLike);

    private async Task WhenAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Bound);
        while (!await OnGrainAsync(condition))
        {
            await Task.Delay(5, timeout.Token);
        }
    }

    /// <summary>A held delivery: let through, or failed after delivering its first few items.</summary>
    private sealed class Delivery
    {
        public TaskCompletionSource<int?> Outcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => Outcome.SetResult(null);

        public void Fail(int deliveredFirst) => Outcome.SetResult(deliveredFirst);
    }

    private sealed class Cancellation : IDisposable
    {
        public void Dispose()
        {
        }
    }

    private sealed class Items : IOutboxBatch<Items>
    {
        private readonly List<string> _items = [];

        public bool IsEmpty => _items.Count == 0;

        public void Add(params string[] items) => _items.AddRange(items);

        public void Append(Items later) => _items.AddRange(later._items);

        public void Rewrite(string item, string replacement) => _items[_items.IndexOf(item)] = replacement;

        public List<string> TakeFirst(int count)
        {
            var taken = _items.Take(count).ToList();
            _items.RemoveRange(0, taken.Count);
            return taken;
        }
    }
}
