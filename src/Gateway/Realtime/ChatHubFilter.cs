using System.Collections.Concurrent;
using System.Reflection;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using WhatsApp.Gateway.Allowances;
using WhatsApp.Gateway.Auth;
using WhatsApp.Gateway.Cluster;

namespace WhatsApp.Gateway.Realtime;

/// <summary>
/// Every hub call and connection passes here, the hub's one filter: a call beyond the connection's allowance or the
/// user's (<see cref="UserAllowance"/>, shared with REST), or a connection beyond the user's cap, is refused with a
/// <see cref="HubException"/> that says why, and never reaches the cluster; a call the cluster cannot serve now ends in
/// a <see cref="HubException"/> that says to try again, as REST answers 503.
/// </summary>
public sealed class ChatHubFilter(IOptions<HubLimitOptions> options, UserAllowance userAllowance) : IHubFilter, IDisposable
{
    private readonly HubLimitOptions _limits = options.Value;
    private readonly Dictionary<long, int> _connectionsPerUser = [];

    // Each hub method's cost, read from its attribute once rather than by reflection on every call.
    private readonly ConcurrentDictionary<MethodInfo, int> _costs = new();

    private readonly PartitionedRateLimiter<string> _perConnection = TokenBuckets.PerKey<string>(() =>
        TokenBuckets.Of(options.Value.CallBurstPerConnection, options.Value.CallsPerSecondPerConnection, TimeSpan.FromSeconds(1)));

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var caller = invocationContext.Context;
        if (!_perConnection.TryTake(caller.ConnectionId))
        {
            throw new HubException($"Too many calls on this connection: at most {_limits.CallsPerSecondPerConnection} a second (bursts of {_limits.CallBurstPerConnection}). Nothing was done; try again in a moment.");
        }

        // The user's allowance is the one their REST requests spend too, at the same costs.
        var cost = _costs.GetOrAdd(invocationContext.HubMethod, method => method.GetCustomAttribute<CostAttribute>()?.Cost ?? Costs.Plain);
        if (!userAllowance.TryTake(caller.User!.UserId(), cost))
        {
            throw new HubException(userAllowance.Refusal);
        }

        try
        {
            return await next(invocationContext);
        }
        catch (ClusterUnavailableException unavailable)
        {
            throw new HubException($"{unavailable.Message} Try again in a few seconds.");
        }
    }

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        var userId = context.Context.User!.UserId();
        if (!TryOpenConnection(userId))
        {
            throw new HubException($"Too many connections: you have {_limits.MaxConnectionsPerUser} open already. Close another tab or device first.");
        }

        try
        {
            await next(context);
        }
        catch
        {
            // SignalR calls OnDisconnectedAsync only for connections whose OnConnectedAsync succeeded.
            CloseConnection(userId);
            throw;
        }
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        try
        {
            await next(context, exception);
        }
        finally
        {
            CloseConnection(context.Context.User!.UserId());
        }
    }

    public void Dispose() => _perConnection.Dispose();

    private bool TryOpenConnection(long userId)
    {
        lock (_connectionsPerUser)
        {
            var open = _connectionsPerUser.GetValueOrDefault(userId);
            if (open >= _limits.MaxConnectionsPerUser)
            {
                return false;
            }

            _connectionsPerUser[userId] = open + 1;
            return true;
        }
    }

    private void CloseConnection(long userId)
    {
        lock (_connectionsPerUser)
        {
            if (_connectionsPerUser.GetValueOrDefault(userId) <= 1)
            {
                _connectionsPerUser.Remove(userId);
            }
            else
            {
                _connectionsPerUser[userId]--;
            }
        }
    }
}
