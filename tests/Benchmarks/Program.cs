using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Npgsql;
using WhatsApp.Testing;

// Throughput and latency of sends through the whole system (hub → gateway → conversation grain → bucket in PostgreSQL
// → recipient's grain → gateway → recipient's hub connection), next to what the same PostgreSQL sustains for plain
// single-row INSERTs from the same number of concurrent writers. The machine is shared and noisy, so each figure is a
// median over several runs and the comparison is a ratio within each run.
var runs = Option(args, "--runs", 3);
var pairs = Option(args, "--pairs", 32);
var messages = Option(args, "--messages", 100);

Console.WriteLine($"Starting the system (3 silos, a gateway, PostgreSQL, Redis) on loopback…");
await using var system = await ChatSystem.StartAsync(new Dictionary<string, string>
{
    ["Gateway__SendsPerSecond"] = "1000000",
    ["Gateway__SendBurst"] = "1000000",
    ["Logging__LogLevel__Default"] = "Warning",
    ["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning",
});

var results = new List<RunResult>();
for (var run = 1; run <= runs; run++)
{
    var inserts = await InsertsPerSecondAsync(system.Postgres, writers: pairs, perWriter: messages);
    var (sends, latencies) = await SendsAsync(system.GatewayUrl, pairs, messages);
    var result = new RunResult(run, inserts, sends, sends / inserts, Percentile(latencies, 0.50), Percentile(latencies, 0.99));
    results.Add(result);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"run {run}/{runs}: INSERTs {inserts:F0}/s · sends {sends:F0}/s · ratio {result.Ratio:F3} · send→delivery p50 {result.P50Ms:F1} ms, p99 {result.P99Ms:F1} ms"));
}

var summary = new
{
    machine = $"{Environment.ProcessorCount} cores",
    note = "PostgreSQL here runs with fsync=off and synchronous_commit=off for both sides of the ratio.",
    pairs,
    messagesPerPair = messages,
    runs = results,
    median = new
    {
        insertsPerSecond = Median(results.Select(r => r.InsertsPerSecond)),
        sendsPerSecond = Median(results.Select(r => r.SendsPerSecond)),
        ratio = Median(results.Select(r => r.Ratio)),
        p50Ms = Median(results.Select(r => r.P50Ms)),
        p99Ms = Median(results.Select(r => r.P99Ms)),
    },
};
var file = Path.Combine(RepositoryLayout.Root, "artifacts", "benchmarks", "send-throughput.json");
Directory.CreateDirectory(Path.GetDirectoryName(file)!);
await File.WriteAllTextAsync(file, JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"median of {runs}: INSERTs {summary.median.insertsPerSecond:F0}/s · sends {summary.median.sendsPerSecond:F0}/s · ratio {summary.median.ratio:F3} · p50 {summary.median.p50Ms:F1} ms · p99 {summary.median.p99Ms:F1} ms"));
Console.WriteLine($"written to {Path.GetRelativePath(RepositoryLayout.Root, file)}");

static async Task<double> InsertsPerSecondAsync(PostgresServer postgres, int writers, int perWriter)
{
    var connectionString = postgres.ConnectionString("whatsapp");
    await using (var setup = new NpgsqlConnection(connectionString))
    {
        await setup.OpenAsync();
        await using var create = new NpgsqlCommand("CREATE TABLE IF NOT EXISTS insert_baseline (id bigserial PRIMARY KEY, payload text NOT NULL)", setup);
        await create.ExecuteNonQueryAsync();
    }

    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, writers).Select(async _ =>
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        for (var i = 0; i < perWriter; i++)
        {
            await using var insert = new NpgsqlCommand("INSERT INTO insert_baseline (payload) VALUES ($1)", connection) { Parameters = { new() { Value = "a message of ordinary length" } } };
            await insert.ExecuteNonQueryAsync();
        }
    }));
    return writers * perWriter / clock.Elapsed.TotalSeconds;
}

// Each pair: a sender sends its messages one after another over the hub; its receiver's connection times each arrival.
static async Task<(double SendsPerSecond, List<double> LatenciesMs)> SendsAsync(Uri gateway, int pairs, int messages)
{
    using var http = new HttpClient { BaseAddress = gateway };
    var sessions = new List<(HubConnection Sender, HubConnection Receiver, long ReceiverId)>();
    var sentAt = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
    var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
    var delivered = 0;
    var allDelivered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    for (var pair = 0; pair < pairs; pair++)
    {
        var (senderToken, _) = await RegisterAsync(http);
        var (receiverToken, receiverId) = await RegisterAsync(http);
        var receiver = await ConnectAsync(gateway, receiverToken);
        receiver.On<JsonElement>("message", message =>
        {
            if (sentAt.TryRemove(message.GetProperty("clientMessageId").GetString()!, out var started))
            {
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (Interlocked.Increment(ref delivered) == pairs * messages)
                {
                    allDelivered.TrySetResult();
                }
            }
        });
        sessions.Add((await ConnectAsync(gateway, senderToken), receiver, receiverId));
    }

    var clock = Stopwatch.StartNew();
    await Task.WhenAll(sessions.Select(async session =>
    {
        for (var i = 0; i < messages; i++)
        {
            var clientMessageId = Guid.NewGuid().ToString("N");
            sentAt[clientMessageId] = Stopwatch.GetTimestamp();
            await session.Sender.InvokeAsync<JsonElement>("SendMessage", session.ReceiverId, $"benchmark message {i}", clientMessageId);
        }
    }));
    await allDelivered.Task.WaitAsync(TimeSpan.FromMinutes(2));
    var elapsed = clock.Elapsed.TotalSeconds;
    foreach (var (sender, receiver, _) in sessions)
    {
        await sender.DisposeAsync();
        await receiver.DisposeAsync();
    }

    return (pairs * messages / elapsed, [.. latencies]);
}

static async Task<(string Token, long UserId)> RegisterAsync(HttpClient http)
{
    var userId = TestIds.User();
    using var response = await http.PostAsJsonAsync("/api/auth/register", new { userId, displayName = $"Bench {userId}", password = "benchmark password" });
    response.EnsureSuccessStatusCode();
    return (JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString()!, userId);
}

static async Task<HubConnection> ConnectAsync(Uri gateway, string token)
{
    var connection = new HubConnectionBuilder()
        .WithUrl(new Uri(gateway, "/hubs/chat"), options => options.AccessTokenProvider = () => Task.FromResult<string?>(token))
        .Build();
    await connection.StartAsync();
    await connection.InvokeAsync<JsonElement>("GetInbox"); // subscribed from here on
    return connection;
}

static double Percentile(List<double> values, double fraction)
{
    var sorted = values.Order().ToList();
    return sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(fraction * sorted.Count) - 1)];
}

static double Median(IEnumerable<double> values) => Percentile([.. values], 0.5);

static int Option(string[] args, string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}

internal sealed record RunResult(int Run, double InsertsPerSecond, double SendsPerSecond, double Ratio, double P50Ms, double P99Ms);
