using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using WhatsApp.Grains;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Realtime;
using WhatsApp.Grains.Realtime;
using WhatsApp.Testing;

namespace WhatsApp.Cluster.Tests.Units;

public sealed class GatewayOutboxesTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Post_WhileACallIsInFlight_EverythingPostedMeanwhileGoesAsTheNextSingleCallInOrder()
    {
        var outboxes = Outboxes();
        var gateway = new RecordingGateway();
        var firstCall = gateway.HoldNextCall();

        Assert.True(outboxes.TryPost(gateway, Typing(1)));
        await gateway.CallStarted.WaitAsync(Bound);
        for (var user = 2; user <= 10; user++)
        {
            Assert.True(outboxes.TryPost(gateway, Typing(user)));
        }

        firstCall.SetResult();
        await gateway.WaitForPushesAsync(10);

        Assert.Equal([[1], [2, 3, 4, 5, 6, 7, 8, 9, 10]], gateway.Calls.Select(call => call.Select(push => push.UserId).ToArray()).ToArray());
    }

    [Fact]
    public async Task Post_AfterACallFailed_IsRefusedUntilTheGatewayRenews()
    {
        var outboxes = Outboxes();
        var gateway = new RecordingGateway { FailCalls = true };

        Assert.True(outboxes.TryPost(gateway, Typing(1)));
        await Until(() => outboxes.IsUnreachable(gateway), "the failed call marks the gateway unreachable");

        Assert.False(outboxes.TryPost(gateway, Typing(2)));
        gateway.FailCalls = false;
        outboxes.Renewed(gateway);
        Assert.True(outboxes.TryPost(gateway, Typing(3)));
        await gateway.WaitForPushesAsync(1);
        Assert.Equal(3, gateway.Calls[^1].Single().UserId);
    }

    [Fact]
    public async Task Post_ToAGatewayThatDoesNotAnswer_DoesNotHoldUpAnother()
    {
        var outboxes = Outboxes();
        var stuck = new RecordingGateway();
        _ = stuck.HoldNextCall();
        var live = new RecordingGateway();

        outboxes.TryPost(stuck, Typing(1));
        await stuck.CallStarted.WaitAsync(Bound);
        outboxes.TryPost(live, Typing(2));

        await live.WaitForPushesAsync(1);
        Assert.Empty(stuck.Calls);
    }

    private static Task<bool> Until(Func<bool> condition, string what) =>
        Eventually.ReturnsAsync(() => Task.FromResult(condition()), done => done, Bound, what);

    private static GatewayOutboxes Outboxes() =>
        new(Options.Create(new ChatOptions { DevicePushTimeout = TimeSpan.FromSeconds(30) }), TimeProvider.System, NullLogger<GatewayOutboxes>.Instance);

    private static TypingPush Typing(long userId) => new(userId, new TypingEvent("1-2", 1, IsTyping: true));

    /// <summary>A gateway's observer that records each call's pushes once the call completes, and can hold a call open.</summary>
    private sealed class RecordingGateway : IGatewayObserver
    {
        private readonly Lock _lock = new();
        private readonly List<IReadOnlyList<DevicePush>> _calls = [];
        private TaskCompletionSource? _hold;
        private readonly TaskCompletionSource _callStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool FailCalls { get; set; }

        public Task CallStarted => _callStarted.Task;

        public IReadOnlyList<IReadOnlyList<DevicePush>> Calls
        {
            get
            {
                lock (_lock)
                {
                    return [.. _calls];
                }
            }
        }

        public TaskCompletionSource HoldNextCall() => _hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        public async Task OnPushesAsync(IReadOnlyList<DevicePush> pushes)
        {
            _callStarted.TrySetResult();
            if (Interlocked.Exchange(ref _hold, null) is { } hold)
            {
                await hold.Task;
            }

            if (FailCalls)
            {
                throw new InvalidOperationException("This gateway is gone.");
            }

            lock (_lock)
            {
                _calls.Add(pushes);
            }
        }

        public Task<bool> WaitForPushesAsync(int count) => Until(() => Calls.Sum(call => call.Count) >= count, $"{count} pushes at the gateway");
    }
}
