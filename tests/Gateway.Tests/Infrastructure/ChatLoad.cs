using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using WhatsApp.Testing;
using Xunit.Abstractions;

namespace WhatsApp.Gateway.Tests.Infrastructure;

/// <summary>What a <see cref="ChatLoad"/> sends: how many users, messages and conversations, how fast, and its seed.</summary>
/// <param name="Users">Users registered for the load.</param>
/// <param name="Messages">Messages sent in all.</param>
/// <param name="PeersPerUser">Each user talks with this many others, so conversations get long enough to show gaps.</param>
/// <param name="MessagesPerSecond">The pace: message i is not sent before i / rate seconds, so the load spans a fault.</param>
/// <param name="Concurrency">Sends in flight at once.</param>
/// <param name="Seed">Picks who sends to whom; printed, so a failing run can be repeated.</param>
public sealed record ChatLoadPlan(int Users = 30, int Messages = 2000, int PeersPerUser = 3, int MessagesPerSecond = 100, int Concurrency = 16, int Seed = 0);

/// <summary>
/// One HTTP attempt at sending message <c>Index</c> into a conversation of <c>Shard</c>: when it started and ended (since
/// the load started), its HTTP <c>Status</c> (0 when no answer came: a timeout or a broken connection) and the
/// <c>RetryAfter</c> the answer asked for.
/// </summary>
public sealed record SendAttempt(int Index, int Shard, TimeSpan Started, TimeSpan Ended, int Status, TimeSpan? RetryAfter)
{
    public bool Acknowledged => Status is 200 or 201;

    public TimeSpan Duration => Ended - Started;
}

/// <summary>
/// A bounded load of sends over the gateway's REST API, as real clients send: each message has its clientMessageId, and
/// a send that fails (503, a timeout, a broken connection, a 429) is retried with the same id until it is acknowledged.
/// A test starts it, breaks something, and then <see cref="VerifyAsync"/> checks what users would see: every
/// acknowledged message stored exactly once, each conversation's sequences gapless, every chat list and unread count
/// right. <see cref="Attempts"/> keeps every attempt with its timing, for a test's own figures (how long sends failed).
/// </summary>
public sealed class ChatLoad : IAsyncDisposable
{
    /// <summary>How long one message may go unacknowledged (retrying) before the load counts it as failed for good.</summary>
    public static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(120);

    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(1);

    private readonly Uri _gateway;
    private readonly ChatLoadPlan _plan;
    private readonly ITestOutputHelper _output;
    private readonly List<(ChatApi Api, long UserId)> _users;
    private readonly (int From, int To)[] _messages;
    private readonly ConcurrentBag<SendAttempt> _attempts = [];
    private readonly ConcurrentDictionary<int, Message> _acknowledged = new();
    private readonly ConcurrentDictionary<int, string> _failedForGood = new();
    private readonly ConcurrentDictionary<(long UserId, string ConversationId), long> _readUpTo = new();
    private readonly Stopwatch _clock = new();
    private readonly CancellationTokenSource _stop = new();
    private Task _sending = Task.CompletedTask;

    private ChatLoad(Uri gateway, ChatLoadPlan plan, ITestOutputHelper output, List<(ChatApi, long)> users)
    {
        _gateway = gateway;
        _plan = plan;
        _output = output;
        _users = users;
        _messages = PlanMessages(plan);
    }

    /// <summary>Time since the load started sending; compare with <see cref="SendAttempt.Started"/> to place a fault.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    public int AcknowledgedCount => _acknowledged.Count;

    public IReadOnlyCollection<SendAttempt> Attempts => _attempts;

    /// <summary>The conversations of the load, as their ids ("a-b", a &lt; b).</summary>
    public IReadOnlyCollection<string> Conversations =>
        [.. _messages.Select(pair => TestIds.Conversation(_users[pair.From].UserId, _users[pair.To].UserId)).Distinct()];

    /// <summary>Registers the users through <paramref name="gateway"/> and starts sending at once.</summary>
    public static async Task<ChatLoad> StartAsync(Uri gateway, ChatLoadPlan plan, ITestOutputHelper output)
    {
        var seed = plan.Seed != 0 ? plan.Seed : Random.Shared.Next(1, int.MaxValue);
        plan = plan with { Seed = seed };
        output.WriteLine($"Chat load: {plan} (repeat it with Seed = {seed})");
        using var anonymous = new ChatApi(gateway);
        var users = new List<(ChatApi, long)>();
        for (var i = 0; i < plan.Users; i++)
        {
            var userId = TestIds.User();
            users.Add((new ChatApi(gateway, await SignUpAsync(anonymous, userId)), userId));
        }

        var load = new ChatLoad(gateway, plan, output, users);
        load._clock.Start();
        load._sending = load.SendAllAsync();
        return load;
    }

    /// <summary>Waits (bounded) until at least this many messages are acknowledged: a point "mid-load" to break something at.</summary>
    public Task WhenAcknowledgedAtLeastAsync(int count) => Eventually.ReturnsAsync(
        () => Task.FromResult(_acknowledged.Count), acknowledged => acknowledged >= count, GiveUpAfter, $"{count} acknowledged sends");

    /// <summary>
    /// Waits for every message to be acknowledged (or given up on), then checks the stored history, every chat list and
    /// every unread count against what was acknowledged. Fails the test on any message lost, duplicated, out of
    /// sequence or given up on (a send the gateway refused as bad input is given up on at once).
    /// </summary>
    public async Task VerifyAsync()
    {
        await _sending.WaitAsync(GiveUpAfter + TimeSpan.FromSeconds(_plan.Messages / (double)_plan.MessagesPerSecond) + TimeSpan.FromSeconds(30));
        _output.WriteLine(Summary());
        Assert.True(_failedForGood.IsEmpty, $"{_failedForGood.Count} messages were never acknowledged, e.g. {_failedForGood.FirstOrDefault()}");
        Assert.Equal(_plan.Messages, _acknowledged.Count);

        var histories = new Dictionary<string, IReadOnlyList<Message>>();
        foreach (var group in _acknowledged.GroupBy(pair => pair.Value.ConversationId))
        {
            var (a, b) = ParticipantsOf(group.Key);
            var history = await Eventually.SucceedsAsync(() => FullHistoryAsync(ApiOf(a), a, b), TimeSpan.FromSeconds(60), $"reading {group.Key}");
            histories[group.Key] = history;

            Assert.Equal(Enumerable.Range(1, history.Count).Select(sequence => (long)sequence), history.Select(message => message.Sequence));
            Assert.Equal(group.Count(), history.Count);
            var stored = history.ToDictionary(message => message.ClientMessageId!);
            foreach (var (index, acknowledged) in group)
            {
                Assert.True(stored.TryGetValue(ClientMessageIdOf(index), out var message), $"message {index} was acknowledged but is not stored");
                Assert.Equal(acknowledged.Sequence, message.Sequence);
                Assert.Equal(acknowledged.Id, message.Id);
                Assert.Equal(ContentOf(index), message.Content);
            }
        }

        foreach (var (api, userId) in _users)
        {
            var chatList = await Eventually.SucceedsAsync(() => api.GetJsonAsync<List<ConversationView>>("/api/conversations?limit=100"), TimeSpan.FromSeconds(60), $"the chat list of {userId}");
            var expected = histories.Where(pair => ParticipantsOf(pair.Key) is var (a, b) && (a == userId || b == userId)).ToList();
            Assert.Equal(expected.Select(pair => pair.Key).Order(), chatList.Select(line => line.ConversationId).Order());
            foreach (var line in chatList)
            {
                var history = histories[line.ConversationId];
                var readUpTo = _readUpTo.GetValueOrDefault((userId, line.ConversationId));
                Assert.Equal(history[^1].Id, line.LastMessage.Id);
                Assert.Equal(UnreadOf(userId, readUpTo, history), line.UnreadCount);
                Assert.All(
                    history.Where(message => message.FromUserId != userId && message.Sequence <= readUpTo),
                    message => Assert.Equal("read", message.Status));
            }
        }
    }

    /// <summary>One of the load's users opens each of their chats: marks it read up to its newest message.</summary>
    public async Task ReadEverythingAsync(int user)
    {
        var (api, userId) = _users[user];
        foreach (var line in await api.GetJsonAsync<List<ConversationView>>("/api/conversations?limit=100"))
        {
            using var response = await api.PostJsonAsync($"/api/conversations/{line.ConversationId}/read", new { upToSequence = line.LastMessage.Sequence });
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            _readUpTo[(userId, line.ConversationId)] = line.LastMessage.Sequence;
        }
    }

    /// <summary>Every user of the load signs in again with their password.</summary>
    public async Task VerifyAccountsAsync()
    {
        using var anonymous = new ChatApi(_gateway);
        foreach (var (_, userId) in _users)
        {
            using var response = await anonymous.PostJsonAsync("/api/auth/login", new { userId, password = ChatApi.Password });
            Assert.Equal(userId, (await ChatApi.ReadAsync<AuthResponse>(response, HttpStatusCode.OK)).UserId);
        }
    }

    /// <summary>The acknowledged attempts at sends into a shard's conversations that started between two moments of the load.</summary>
    public IReadOnlyList<SendAttempt> AcknowledgedOnShardStartedBetween(int shard, TimeSpan from, TimeSpan to) =>
        [.. _attempts.Where(attempt => attempt.Shard == shard && attempt.Acknowledged && attempt.Started >= from && attempt.Started < to)];

    /// <summary>Counts of attempts by status and the slowest answer: the figures a fault test prints.</summary>
    public string Summary()
    {
        var byStatus = string.Join(", ", _attempts.GroupBy(attempt => attempt.Status).OrderBy(group => group.Key)
            .Select(group => string.Create(CultureInfo.InvariantCulture, $"{(group.Key == 0 ? "no answer" : group.Key.ToString(CultureInfo.InvariantCulture))}: {group.Count()}")));
        var slowest = _attempts.IsEmpty ? TimeSpan.Zero : _attempts.Max(attempt => attempt.Duration);
        return string.Create(CultureInfo.InvariantCulture,
            $"{_acknowledged.Count} of {_plan.Messages} messages acknowledged in {_attempts.Count} attempts ({byStatus}) over {_clock.Elapsed.TotalSeconds:F1} s; slowest answer {slowest.TotalSeconds:F2} s");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _sending.WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch (Exception exception) when (exception is OperationCanceledException or TimeoutException)
        {
            // Stopping: what was in flight does not matter any more.
        }

        foreach (var (api, _) in _users)
        {
            api.Dispose();
        }

        _stop.Dispose();
    }

    // Unread as the chat list defines it: the peer's messages after both the user's read mark and their own last message.
    private static long UnreadOf(long userId, long readUpTo, IReadOnlyList<Message> history)
    {
        var lastOwn = history.LastOrDefault(message => message.FromUserId == userId)?.Sequence ?? 0;
        return history.Count(message => message.FromUserId != userId && message.Sequence > Math.Max(lastOwn, readUpTo));
    }

    /// <summary>
    /// Registers a user as a client must on a loaded system: a 503 may hide a registration that went through, so the
    /// client tries again and, told the id is taken, signs in.
    /// </summary>
    private static async Task<string> SignUpAsync(ChatApi anonymous, long userId) => (await Eventually.ReturnsAsync(
        async () =>
        {
            using var registered = await anonymous.PostJsonAsync("/api/auth/register", new { userId, displayName = $"User {userId}", password = ChatApi.Password });
            if (registered.StatusCode == HttpStatusCode.Created)
            {
                return (await ChatApi.ReadAsync<AuthResponse>(registered, HttpStatusCode.Created)).Token;
            }

            using var signedIn = registered.StatusCode == HttpStatusCode.Conflict
                ? await anonymous.PostJsonAsync("/api/auth/login", new { userId, password = ChatApi.Password })
                : null;
            return signedIn?.StatusCode == HttpStatusCode.OK ? (await ChatApi.ReadAsync<AuthResponse>(signedIn, HttpStatusCode.OK)).Token : null;
        },
        token => token is not null, GiveUpAfter, $"registering user {userId}"))!;

    private static (int From, int To)[] PlanMessages(ChatLoadPlan plan)
    {
        // User u talks with u+1 ... u+PeersPerUser (around the ring); the seed picks each message's sender and peer.
        var random = new Random(plan.Seed);
        return [.. Enumerable.Range(0, plan.Messages).Select(_ =>
        {
            var from = random.Next(plan.Users);
            var step = 1 + random.Next(plan.PeersPerUser);
            return random.Next(2) == 0 ? (from, (from + step) % plan.Users) : ((from + step) % plan.Users, from);
        })];
    }

    private async Task SendAllAsync()
    {
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, _plan.Concurrency).Select(_ => Task.Run(async () =>
        {
            for (var index = Interlocked.Increment(ref next); index < _messages.Length && !_stop.IsCancellationRequested; index = Interlocked.Increment(ref next))
            {
                var due = TimeSpan.FromSeconds(index / (double)_plan.MessagesPerSecond) - _clock.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, _stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
                }

                await SendUntilAcknowledgedAsync(index);
            }
        })));
    }

    private async Task SendUntilAcknowledgedAsync(int index)
    {
        var (from, to) = _messages[index];
        var (api, fromId) = _users[from];
        var toId = _users[to].UserId;
        var shard = (int)(Math.Min(fromId, toId) % ChatSystem.ShardCount);
        var firstTry = _clock.Elapsed;
        while (!_stop.IsCancellationRequested)
        {
            var started = _clock.Elapsed;
            var (status, message, retryAfter) = await TrySendAsync(api, toId, index);
            _attempts.Add(new SendAttempt(index, shard, started, _clock.Elapsed, status, retryAfter));
            if (message is not null)
            {
                _acknowledged[index] = message;
                return;
            }

            if (status is >= 400 and < 500 and not 429)
            {
                _failedForGood[index] = $"refused with {status}";
                return;
            }

            if (_clock.Elapsed - firstTry > GiveUpAfter)
            {
                _failedForGood[index] = $"still failing ({status}) after {GiveUpAfter}";
                return;
            }

            // Retry-After is honoured, but capped: the test wants to see recovery as soon as it happens.
            await Task.Delay(retryAfter is { } wait && wait < MaxRetryDelay ? wait : MaxRetryDelay, _stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    private static async Task<(int Status, Message? Message, TimeSpan? RetryAfter)> TrySendAsync(ChatApi api, long toUserId, int index)
    {
        try
        {
            using var response = await api.PostJsonAsync("/api/messages", new { toUserId, content = ContentOf(index), clientMessageId = ClientMessageIdOf(index) });
            var status = (int)response.StatusCode;
            var retryAfter = response.Headers.RetryAfter?.Delta;
            return response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Created
                ? (status, await ChatApi.ReadAsync<Message>(response, response.StatusCode), retryAfter)
                : (status, null, retryAfter);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return (0, null, null);
        }
    }

    private static async Task<IReadOnlyList<Message>> FullHistoryAsync(ChatApi api, long a, long b)
    {
        var pages = new List<Message>();
        long? before = null;
        while (true)
        {
            var page = await api.HistoryAsync(a, b, before, limit: 100);
            pages.InsertRange(0, page.Messages);
            if (!page.HasMore || page.Messages.Count == 0)
            {
                return pages;
            }

            before = page.Messages[0].Sequence;
        }
    }

    private ChatApi ApiOf(long userId) => _users.First(user => user.UserId == userId).Api;


    private static (long A, long B) ParticipantsOf(string conversationId)
    {
        var parts = conversationId.Split('-');
        return (long.Parse(parts[0], CultureInfo.InvariantCulture), long.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    private static string ClientMessageIdOf(int index) => $"load-{index}";

    private static string ContentOf(int index) => $"load message {index}";
}
