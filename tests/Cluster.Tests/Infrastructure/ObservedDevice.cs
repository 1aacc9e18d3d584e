using System.Threading.Channels;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Realtime;
using WhatsApp.Grains.Abstractions.Users;

namespace WhatsApp.Cluster.Tests.Infrastructure;

/// <summary>A device as a gateway sees it: a gateway's observer subscribed to the user's grain, recording every event.</summary>
public sealed class ObservedDevice : IGatewayObserver, IAsyncDisposable
{
    private static readonly TimeSpan EventWait = TimeSpan.FromSeconds(10);

    private readonly Channel<object> _events = Channel.CreateUnbounded<object>();
    private ChatTestCluster _cluster = null!;
    private IGatewayObserver _reference = null!;
    private long _userId;
    private int _calls;

    public static async Task<ObservedDevice> ConnectAsync(ChatTestCluster cluster, long userId)
    {
        var device = new ObservedDevice { _cluster = cluster, _userId = userId };
        device._reference = cluster.Client.CreateObjectReference<IGatewayObserver>(device);
        await cluster.Grains.GetGrain<IUserGrain>(userId).SubscribeAsync(device._reference);
        return device;
    }

    /// <summary>The next event of type T (that matches), skipping others; fails after ten seconds, or <paramref name="within"/>.</summary>
    public async Task<T> NextAsync<T>(Func<T, bool>? matches = null, TimeSpan? within = null)
    {
        using var timeout = new CancellationTokenSource(within ?? EventWait);
        while (true)
        {
            var next = await _events.Reader.ReadAsync(timeout.Token);
            if (next is T typed && (matches?.Invoke(typed) ?? true))
            {
                return typed;
            }
        }
    }

    /// <summary>How many calls the silos made to this device's gateway observer.</summary>
    public int Calls => Volatile.Read(ref _calls);

    public Task OnPushesAsync(IReadOnlyList<DevicePush> pushes)
    {
        Interlocked.Increment(ref _calls);
        foreach (var push in pushes)
        {
            Assert.Equal(_userId, push.UserId);
            IEnumerable<object> events = push switch
            {
                NewMessagesPush { Messages: var messages } => messages,
                ChangedMessagePush { Message: var changed } => [new ChangedMessage(changed)],
                ReceiptPush { Receipt: var receipt } => [receipt],
                TypingPush { Typing: var typing } => [typing],
                PresencePush { Presence: var presence } => [presence],
                _ => [push],
            };
            foreach (var @event in events)
            {
                _events.Writer.TryWrite(@event);
            }
        }

        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _cluster.Grains.GetGrain<IUserGrain>(_userId).UnsubscribeAsync(_reference);
        _cluster.Client.DeleteObjectReference<IGatewayObserver>(_reference);
    }
}

/// <summary>An edit, a delete or a reaction as a device hears it: the message as it stands now.</summary>
public sealed record ChangedMessage(ChatMessage Message);
