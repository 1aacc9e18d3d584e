using System.Net;
using WhatsApp.Testing;
using Xunit.Abstractions;

namespace WhatsApp.Gateway.Tests;

/// <summary>
/// A store restarted while every pool holds connections to it: once it accepts connections again, nobody may see an
/// error for a connection that died with the old server. Each test has a system of its own.
/// </summary>
public sealed class StoreRestartTests(ITestOutputHelper output)
{
    private const int Fresh = 200;
    private const int InFlight = 16;

    // A database per shard, so every silo holds pools to three servers that all restart. One shared database is the
    // same pools' clearing, proven in-process by Cluster.Tests' RestartedDatabaseTests.
    [Fact(Timeout = 600_000)]
    public async Task Postgres_RestartedWhilePoolsHoldConnections_FreshRegistrationsAndFirstMessagesSucceedOnTheFirstTry()
    {
        await using var system = await ChatSystem.StartAsync(databasePerShard: true);
        try
        {
            using var anonymous = new ChatApi(system.GatewayUrl);

            // Busy enough that every silo's pools (grain state and message rows, in every shard database) hold several connections.
            var before = await ForEachAsync(Enumerable.Range(0, 60).Select(i => TestIds.User(shard: i % ChatSystem.ShardCount)), id => anonymous.RegisterAsync(id));
            await ForEachAsync(Enumerable.Range(0, before.Count), i => SendFirstAsync(before[i], before[(i + 1) % before.Count].Auth.UserId));

            foreach (var database in system.Databases)
            {
                await database.StopServerAsync();
            }

            await Task.Delay(TimeSpan.FromSeconds(2));
            foreach (var database in system.Databases)
            {
                await database.StartServerAsync(); // waits until the server accepts connections
            }

            var registrations = await ForEachAsync(Enumerable.Range(0, Fresh).Select(i => TestIds.User(shard: i % ChatSystem.ShardCount)), id => TryRegisterAsync(system.GatewayUrl, anonymous, id));
            var refusedRegistrations = registrations.Where(outcome => outcome.Problem is not null).Select(outcome => outcome.Problem).ToList();
            Assert.True(refusedRegistrations.Count == 0, $"{refusedRegistrations.Count} of {Fresh} registrations failed: {string.Join("; ", refusedRegistrations.Distinct())}");

            var users = registrations.Select(outcome => outcome.User!.Value).ToList();
            var sends = await ForEachAsync(Enumerable.Range(0, Fresh), i => TrySendFirstAsync(users[i], users[(i + 1) % Fresh].Auth.UserId));
            var refusedSends = sends.Where(problem => problem is not null).ToList();
            Assert.True(refusedSends.Count == 0, $"{refusedSends.Count} of {Fresh} first messages failed: {string.Join("; ", refusedSends.Distinct())}");

            Assert.All(system.Silos.Concat(system.Gateways), host => Assert.False(host.HasExited, $"{host.Name} exited"));
            foreach (var (api, _) in before.Concat(users))
            {
                api.Dispose();
            }
        }
        catch
        {
            output.WriteLine(system.Logs());
            throw;
        }
    }

    private static async Task<(ChatApi Api, AuthResponse Auth)?> SendFirstAsync((ChatApi Api, AuthResponse Auth) sender, long to)
    {
        await sender.Api.SendAsync(to, $"hello {to}");
        return sender;
    }

    /// <summary>One registration, not retried: the user and a client acting as them, or what the gateway answered instead.</summary>
    private static async Task<((ChatApi Api, AuthResponse Auth)? User, string? Problem)> TryRegisterAsync(Uri gateway, ChatApi anonymous, long id)
    {
        using var response = await anonymous.PostJsonAsync("/api/auth/register", new { userId = id, displayName = $"User {id}", password = ChatApi.Password });
        if (response.StatusCode != HttpStatusCode.Created)
        {
            return (null, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        var auth = await ChatApi.ReadAsync<AuthResponse>(response, HttpStatusCode.Created);
        return ((new ChatApi(gateway, auth.Token), auth), null);
    }

    /// <summary>One first message, not retried: null once stored, or what the gateway answered instead.</summary>
    private static async Task<string?> TrySendFirstAsync((ChatApi Api, AuthResponse Auth) sender, long to)
    {
        using var response = await sender.Api.PostJsonAsync("/api/messages", new { toUserId = to, content = $"first to {to}" });
        return response.StatusCode == HttpStatusCode.Created ? null : $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
    }

    /// <summary>Runs every item's call, <see cref="InFlight"/> at a time, and answers their results in the items' order.</summary>
    private static async Task<List<TResult>> ForEachAsync<TItem, TResult>(IEnumerable<TItem> items, Func<TItem, Task<TResult>> call)
    {
        var list = items.ToList();
        var results = new TResult[list.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, list.Count), new ParallelOptions { MaxDegreeOfParallelism = InFlight },
            async (index, _) => results[index] = await call(list[index]));
        return [.. results];
    }
}
