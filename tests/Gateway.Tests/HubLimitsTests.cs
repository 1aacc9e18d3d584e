using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using WhatsApp.Testing;

namespace WhatsApp.Gateway.Tests;

/// <summary>
/// Every hub call counts against the connection's and the user's allowance, and a user holds a bounded number of
/// connections. A system of its own with tight limits, so the shared system's tests never meet them.
/// </summary>
public sealed class HubLimitsTests(HubLimitsTests.TightLimitsSystem fixture) : IClassFixture<HubLimitsTests.TightLimitsSystem>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task OneConnection_CallsBeyondItsAllowance_AreRefusedWithAReasonAndStoreNothing()
    {
        using var anonymous = fixture.Api();
        var (alice, aliceAuth) = await anonymous.RegisterAsync();
        var (bob, bobAuth) = await anonymous.RegisterAsync();
        await using var aliceTab = await HubSession.ConnectAsync(fixture.System.GatewayUrl, aliceAuth.Token);

        var outcomes = await SendConcurrentlyAsync(aliceTab, bobAuth.UserId, TightLimitsSystem.ConnectionBurst * 3, "tab");

        var refusals = outcomes.OfType<HubException>().ToList();
        Assert.NotEmpty(refusals);
        Assert.All(refusals, refusal => Assert.Contains("Too many calls on this connection", refusal.Message, StringComparison.Ordinal));
        Assert.Equal(outcomes.Count - refusals.Count, await StoredCountAsync(bob, aliceAuth.UserId, bobAuth.UserId));
        bob.Dispose();

        // The refusal is a pause, not a ban: the allowance comes back.
        await Eventually.SucceedsAsync(() => aliceTab.Connection.InvokeAsync<List<ConversationView>>("GetInbox"), Bound, "a call after the pause");
        alice.Dispose();
    }

    [Fact]
    public async Task ConnectionsOfOneUser_TogetherBeyondTheUsersAllowance_AreRefusedWithAReasonAndStoreNothing()
    {
        using var anonymous = fixture.Api();
        var (alice, aliceAuth) = await anonymous.RegisterAsync();
        var (bob, bobAuth) = await anonymous.RegisterAsync();
        var tabs = new List<HubSession>();
        for (var i = 0; i < TightLimitsSystem.MaxConnections; i++)
        {
            tabs.Add(await HubSession.ConnectAsync(fixture.System.GatewayUrl, aliceAuth.Token));
        }

        // Each tab stays within its own allowance; together they exceed the user's.
        var perTab = await Task.WhenAll(tabs.Select((tab, i) => SendConcurrentlyAsync(tab, bobAuth.UserId, TightLimitsSystem.ConnectionBurst - 2, $"tab{i}")));

        var outcomes = perTab.SelectMany(tab => tab).ToList();
        var refusals = outcomes.OfType<HubException>().ToList();
        Assert.NotEmpty(refusals);
        Assert.All(refusals, refusal => Assert.Contains("Too many requests from your account", refusal.Message, StringComparison.Ordinal));
        Assert.Equal(outcomes.Count - refusals.Count, await StoredCountAsync(bob, aliceAuth.UserId, bobAuth.UserId)); // alice's allowance is spent
        bob.Dispose();
        foreach (var tab in tabs)
        {
            await tab.DisposeAsync();
        }

        alice.Dispose();
    }

    [Fact]
    public async Task RestAndHub_SpendOneAllowanceByCost_AGroupCreationBeyondItIsRefusedAndCreatesNothing()
    {
        using var anonymous = fixture.Api();
        var (alice, aliceAuth) = await anonymous.RegisterAsync();
        var (bob, bobAuth) = await anonymous.RegisterAsync();
        await using var aliceTab = await HubSession.ConnectAsync(fixture.System.GatewayUrl, aliceAuth.Token);

        // A group creation costs 20 of the user's 30; a second one finds only what the first left (and a second's refill).
        using var first = await alice.PostJsonAsync("/api/groups", new { name = "Book club", memberIds = new[] { bobAuth.UserId } });
        using var second = await alice.PostJsonAsync("/api/groups", new { name = "Second club", memberIds = new[] { bobAuth.UserId } });

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        var problem = await ChatApi.ReadAsync<Problem>(second, HttpStatusCode.TooManyRequests);
        Assert.Equal("RateLimited", problem.Code);
        Assert.NotNull(second.Headers.RetryAfter);
        Assert.Single(await bob.InboxAsync()); // the refused group was never made
        var hubCalls = new List<Exception?>();
        for (var i = 0; i < TightLimitsSystem.UserBurst; i++)
        {
            hubCalls.Add(await Record.ExceptionAsync(() => aliceTab.Connection.InvokeAsync<List<ConversationView>>("GetInbox")));
        }

        // The hub spends what REST left: refused within far fewer calls than a fresh allowance holds.
        Assert.Contains(hubCalls.Take(TightLimitsSystem.UserBurst - 20 + 5), call => call is HubException refusal && refusal.Message.Contains("Too many requests from your account", StringComparison.Ordinal));
        alice.Dispose();
        bob.Dispose();
    }

    [Fact]
    public async Task Connections_OneBeyondTheCap_IsClosedWithAReason_AndClosingAnotherMakesRoom()
    {
        using var anonymous = fixture.Api();
        var (_, auth) = await anonymous.RegisterAsync();
        var tabs = new List<HubSession>();
        for (var i = 0; i < TightLimitsSystem.MaxConnections; i++)
        {
            tabs.Add(await HubSession.ConnectAsync(fixture.System.GatewayUrl, auth.Token));
        }

        var refusal = await RefusalOfOneMoreConnectionAsync(auth.Token);

        Assert.Contains($"Too many connections: you have {TightLimitsSystem.MaxConnections} open already", refusal, StringComparison.Ordinal);
        Assert.All(tabs, tab => Assert.Equal(HubConnectionState.Connected, tab.Connection.State));

        await tabs[0].DisposeAsync();
        await using var replacement = await Eventually.SucceedsAsync(
            () => HubSession.ConnectAsync(fixture.System.GatewayUrl, auth.Token), Bound, "a connection once another closed");
        foreach (var tab in tabs.Skip(1))
        {
            await tab.DisposeAsync();
        }
    }

    /// <summary>Starts that many sends on one connection at once; each outcome is the stored message or the refusal.</summary>
    private static async Task<List<object>> SendConcurrentlyAsync(HubSession tab, long toUserId, int count, string label)
    {
        var sends = Enumerable.Range(0, count).Select(async i =>
        {
            try
            {
                return (object)await tab.Connection.InvokeAsync<Message>("SendMessage", toUserId, $"{label} {i}", $"{label}-{i}");
            }
            catch (HubException refusal)
            {
                return refusal;
            }
        });
        return [.. await Task.WhenAll(sends)];
    }

    private static async Task<long> StoredCountAsync(ChatApi api, long a, long b)
    {
        var messages = (await api.HistoryAsync(a, b, limit: 100)).Messages;
        return messages.Count == 0 ? 0 : messages[^1].Sequence;
    }

    /// <summary>Opens one more connection and returns why the server closed it (or refused to start it).</summary>
    private async Task<string> RefusalOfOneMoreConnectionAsync(string token)
    {
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(fixture.System.GatewayUrl, "/hubs/chat"), options => options.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += error =>
        {
            closed.TrySetResult(error);
            return Task.CompletedTask;
        };
        try
        {
            await connection.StartAsync();
        }
        catch (Exception exception)
        {
            closed.TrySetResult(exception);
        }

        return (await closed.Task.WaitAsync(Bound))?.Message ?? "closed without a reason";
    }

    /// <summary>A whole system whose hub allows little: small bursts, one call a second, three connections a user.</summary>
    public sealed class TightLimitsSystem : IAsyncLifetime
    {
        public const int ConnectionBurst = 20;
        public const int UserBurst = 30;
        public const int MaxConnections = 3;

        public ChatSystem System { get; private set; } = null!;

        public async Task InitializeAsync() => System = await ChatSystem.StartAsync(new Dictionary<string, string>
        {
            ["Hub__CallBurstPerConnection"] = ConnectionBurst.ToString(CultureInfo.InvariantCulture),
            ["Hub__CallsPerSecondPerConnection"] = "1",
            ["Allowance__CostBurstPerUser"] = UserBurst.ToString(CultureInfo.InvariantCulture),
            ["Allowance__CostPerSecondPerUser"] = "1",
            ["Hub__MaxConnectionsPerUser"] = MaxConnections.ToString(CultureInfo.InvariantCulture),
            ["Gateway__SendBurst"] = "1000",
            ["Gateway__SendsPerSecond"] = "1000",
        });

        public ChatApi Api() => new(System.GatewayUrl);

        public async Task DisposeAsync() => await System.DisposeAsync();
    }
}
