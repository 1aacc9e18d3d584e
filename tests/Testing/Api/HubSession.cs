using System.Text.Json.Serialization;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace WhatsApp.Testing.Api;

/// <summary>One browser tab: a SignalR connection to /hubs/chat that records every event it receives.</summary>
public sealed class HubSession : IAsyncDisposable
{
    private static readonly TimeSpan EventWait = TimeSpan.FromSeconds(10);
    private readonly Channel<object> _events = Channel.CreateUnbounded<object>();

    private HubSession(HubConnection connection)
    {
        Connection = connection;
        connection.On<Message>("message", Record);
        connection.On<Message>("messageChanged", message => Record(new MessageChangedEvent(message)));
        connection.On<ReceiptEvent>("receipt", Record);
        connection.On<TypingEvent>("typing", Record);
        connection.On<PresenceEvent>("presence", Record);
        connection.On<GroupInvitationView>("groupInvitation", Record);
        connection.On("resync", () => Record(new ResyncEvent()));
    }

    public HubConnection Connection { get; }

    /// <summary>The chat list the session caught up with when it connected.</summary>
    public IReadOnlyList<ConversationView> Inbox { get; private set; } = [];

    public static async Task<HubSession> ConnectAsync(Uri gateway, string token)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(gateway, "/hubs/chat"), options => options.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .AddJsonProtocol(json =>
            {
                json.PayloadSerializerOptions.PropertyNameCaseInsensitive = true;
                json.PayloadSerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            })
            .Build();
        var session = new HubSession(connection);
        try
        {
            await connection.StartAsync();

            // As a real client does: the first invocation returns only once the server has subscribed this connection.
            session.Inbox = await connection.InvokeAsync<List<ConversationView>>("GetInbox");
            return session;
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    /// <summary>The next event of type T (that matches), skipping others; fails after ten seconds.</summary>
    public async Task<T> NextAsync<T>(Func<T, bool>? matches = null)
        where T : class =>
        await FindAsync(EventWait, matches) ?? throw new TimeoutException($"No {typeof(T).Name} event arrived within {EventWait}.");

    /// <summary>Whether an event of type T arrives within the wait.</summary>
    public async Task<bool> ReceivesAsync<T>(TimeSpan within, Func<T, bool>? matches = null)
        where T : class => await FindAsync(within, matches) is not null;

    /// <summary>
    /// The events received before a marker event (one the test caused after the actions it checks), for asserting that
    /// something did not happen without waiting for a while: events reach a tab through its user's grain in order, so
    /// whatever those actions pushed arrives before the marker. Fails if the marker does not arrive within ten seconds.
    /// </summary>
    public async Task<IReadOnlyList<object>> EventsBeforeAsync<T>(Func<T, bool> marker)
        where T : class
    {
        var before = new List<object>();
        using var timeout = new CancellationTokenSource(EventWait);
        try
        {
            while (await _events.Reader.ReadAsync(timeout.Token) is var @event && !(@event is T typed && marker(typed)))
            {
                before.Add(@event);
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The marker {typeof(T).Name} did not arrive within {EventWait}.");
        }

        return before;
    }

    private async Task<T?> FindAsync<T>(TimeSpan within, Func<T, bool>? matches)
        where T : class
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            while (true)
            {
                if (await _events.Reader.ReadAsync(timeout.Token) is T typed && (matches?.Invoke(typed) ?? true))
                {
                    return typed;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync() => await Connection.DisposeAsync();

    private void Record<T>(T @event)
        where T : notnull => _events.Writer.TryWrite(@event);
}
