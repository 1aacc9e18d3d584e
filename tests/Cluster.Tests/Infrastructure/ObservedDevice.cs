using System.Threading.Channels;
using WhatsApp.Grains.Abstractions.Messages;
using WhatsApp.Grains.Abstractions.Users;

namespace WhatsApp.Cluster.Tests.Infrastructure;

/// <summary>A device as a gateway sees it: an observer subscribed to the user's grain, recording every event.</summary>
public sealed class ObservedDevice : IUserObserver, IAsyncDisposable
{
    private static readonly TimeSpan EventWait = TimeSpan.FromSeconds(10);

    private readonly Channel<object> _events = Channel.CreateUnbounded<object>();
    private ChatTestCluster _cluster = null!;
    private IUserObserver _reference = null!;
    private long _userId;

    public static async Task<ObservedDevice> ConnectAsync(ChatTestCluster cluster, long userId)
    {
        var device = new ObservedDevice { _cluster = cluster, _userId = userId };
        device._reference = cluster.Client.CreateObjectReference<IUserObserver>(device);
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

    public Task OnMessageAsync(ChatMessage message) => Record(message);

    public Task OnMessageChangedAsync(ChatMessage message) => Record(new ChangedMessage(message));

    public Task OnReceiptAsync(Receipt receipt) => Record(receipt);

    public Task OnTypingAsync(TypingEvent typing) => Record(typing);

    public Task OnPresenceAsync(PresenceEvent presence) => Record(presence);

    public async ValueTask DisposeAsync()
    {
        await _cluster.Grains.GetGrain<IUserGrain>(_userId).UnsubscribeAsync(_reference);
        _cluster.Client.DeleteObjectReference<IUserObserver>(_reference);
    }

    private Task Record(object @event)
    {
        _events.Writer.TryWrite(@event);
        return Task.CompletedTask;
    }
}

/// <summary>An edit, a delete or a reaction as a device hears it: the message as it stands now.</summary>
public sealed record ChangedMessage(ChatMessage Message);
