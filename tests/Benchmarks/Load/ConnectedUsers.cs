using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using WhatsApp.Benchmarks.Deployment;

namespace WhatsApp.Benchmarks.Load;

/// <summary>
/// Registered users, each with one hub connection that stays open: every recipient is connected, so a send's delivery
/// is the moment the recipient's connection gets the `message` event. Each connection also sends for its user in the
/// hub's load windows.
/// </summary>
public sealed class ConnectedUsers : IAsyncDisposable
{
    private readonly List<(ChatUser User, HubConnection Hub)> _members;

    private ConnectedUsers(List<(ChatUser User, HubConnection Hub)> members) => _members = members;

    /// <summary>Raised with the clientMessageId and the Stopwatch timestamp of each message a recipient received.</summary>
    public event Action<string, long>? Delivered;

    public int Count => _members.Count;

    public ChatUser User(int index) => _members[index].User;

    public HubConnection Hub(int index) => _members[index].Hub;

    public static async Task<ConnectedUsers> RegisterAsync(BenchmarkDeployment deployment, int count, string purpose)
    {
        var users = await deployment.Api.RegisterUsersAsync(count, purpose);
        var members = new (ChatUser, HubConnection)[count];
        var pool = new ConnectedUsers([]);
        await Bulk.RunAsync($"connecting them to the hub", count, inFlight: 32, async index =>
        {
            var user = users[index];
            members[index] = (user, await ChatHubClient.ConnectAsync(deployment.GatewayUrl, user, message => pool.OnMessage(user.Id, message)));
        });
        pool._members.AddRange(members);
        return pool;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (_, hub) in _members)
        {
            await hub.DisposeAsync();
        }
    }

    // A sender's own connections get its messages too (for its other devices); only the recipient's copy counts.
    private void OnMessage(long ownerId, JsonElement message)
    {
        var receivedAt = Stopwatch.GetTimestamp();
        if (message.GetProperty("fromUserId").GetInt64() != ownerId && message.TryGetProperty("clientMessageId", out var clientMessageId))
        {
            Delivered?.Invoke(clientMessageId.GetString()!, receivedAt);
        }
    }
}
