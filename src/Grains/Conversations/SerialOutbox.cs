namespace WhatsApp.Grains.Conversations;

/// <summary>What a <see cref="SerialOutbox{TBatch}"/> gathers between two deliveries: its owner decides how posts fold into it.</summary>
internal interface IOutboxBatch<in TBatch>
{
    bool IsEmpty { get; }

    /// <summary>Takes what was posted after this batch, behind what this batch holds (newer news wins where they overlap).</summary>
    void Append(TBatch later);
}

/// <summary>Runs <paramref name="retry"/> once after <paramref name="delay"/> on the owner's scheduler, unless disposed first.</summary>
internal delegate IDisposable ScheduleRetry(Func<Task> retry, TimeSpan delay);

/// <summary>
/// Work a grain hands off once it has answered its caller, such as telling participants or writing chat-list lines: at
/// most one delivery in flight, everything posted meanwhile folded into the next delivery's batch, and a delivery that
/// fails put back in front of what was posted since and retried after a pause, so nothing waits for the work and nothing
/// posted is lost while the grain lives. What a delivery leaves in its batch when it throws is what goes back.
/// It needs neither Orleans nor locks: its owner calls it from one thread at a time (a grain's scheduler), and schedules
/// the retry on that scheduler too (a grain timer, <see cref="SerialOutboxGrainExtensions.RetryTimer"/>).
/// </summary>
internal sealed class SerialOutbox<TBatch>(Func<TBatch, Task> deliverAsync, ScheduleRetry scheduleRetry, TimeSpan retryInterval, Action<Exception> failed)
    where TBatch : IOutboxBatch<TBatch>, new()
{
    private TaskCompletionSource? _idle;
    private IDisposable? _retry;

    /// <summary>What has been posted and not yet handed to a delivery; an owner may rewrite it (not what is in flight).</summary>
    public TBatch Pending { get; private set; } = new();

    /// <summary>Whether a delivery is in flight.</summary>
    public bool IsDelivering { get; private set; }

    /// <summary>Runs once the outbox has delivered everything posted to it, so its owner may let it go.</summary>
    public Action? Drained { get; init; }

    /// <summary>Folds something into the next delivery, and starts one unless one is in flight or a retry is waiting.</summary>
    public void Post(Action<TBatch> fold)
    {
        fold(Pending);
        if (!IsDelivering && _retry is null)
        {
            _ = DeliverAsync();
        }
    }

    /// <summary>Completes when no delivery is in flight (one that started before a change could still carry what it replaced).</summary>
    public Task IdleAsync()
    {
        if (!IsDelivering)
        {
            return Task.CompletedTask;
        }

        _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _idle.Task;
    }

    private async Task DeliverAsync()
    {
        IsDelivering = true;
        try
        {
            while (!Pending.IsEmpty)
            {
                var batch = Pending;
                Pending = new TBatch();
                try
                {
                    await deliverAsync(batch);
                }
                catch (Exception exception)
                {
                    batch.Append(Pending);
                    Pending = batch;
                    failed(exception);
                    _retry = scheduleRetry(RetryAsync, retryInterval);
                    return;
                }
            }
        }
        finally
        {
            IsDelivering = false;
            _idle?.SetResult();
            _idle = null;
        }

        Drained?.Invoke();
    }

    private Task RetryAsync()
    {
        _retry?.Dispose();
        _retry = null;
        if (!IsDelivering)
        {
            _ = DeliverAsync(); // not awaited: the timer's turn would hold the grain's calls for the whole delivery
        }

        return Task.CompletedTask;
    }
}

internal static class SerialOutboxGrainExtensions
{
    /// <summary>Retries on a grain timer that keeps the grain active until it has run: what waits would be lost with it.</summary>
    public static ScheduleRetry RetryTimer(this IGrainBase grain) =>
        (retry, delay) => grain.RegisterGrainTimer(_ => retry(), new GrainTimerCreationOptions(delay, Timeout.InfiniteTimeSpan) { KeepAlive = true });
}
