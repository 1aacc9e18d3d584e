using WhatsApp.Testing;
using Xunit.Abstractions;

namespace WhatsApp.Gateway.Tests.Infrastructure;

/// <summary>
/// The frame of a fault test: a system of its own, a <see cref="ChatLoad"/> on it, a fault once the load is under way,
/// and every process's output when something fails.
/// </summary>
public static class FaultLoad
{
    /// <summary>A send allowance above the load's pace, so that a 429 never hides what the fault did.</summary>
    public static IReadOnlyDictionary<string, string> GatewaySettings { get; } = new Dictionary<string, string>
    {
        ["Gateway__SendsPerSecond"] = "1000",
        ["Gateway__SendBurst"] = "1000",
    };

    /// <summary>
    /// Starts a system and the load, waits until <paramref name="acknowledgedBeforeTheFault"/> messages are acknowledged,
    /// then runs <paramref name="faultAndChecks"/> (which breaks something, repairs it and checks what it must).
    /// </summary>
    public static async Task RunAsync(
        ITestOutputHelper output, ChatLoadPlan plan, int acknowledgedBeforeTheFault, Func<ChatSystem, ChatLoad, Task> faultAndChecks,
        PostgresDurability durability = PostgresDurability.Relaxed, bool databasePerShard = false)
    {
        await using var system = await ChatSystem.StartAsync(GatewaySettings, durability, databasePerShard);
        try
        {
            await using var load = await ChatLoad.StartAsync(system.GatewayUrl, plan, output);
            await load.WhenAcknowledgedAtLeastAsync(acknowledgedBeforeTheFault);
            await faultAndChecks(system, load);
        }
        catch
        {
            output.WriteLine(system.Logs());
            throw;
        }
    }

    /// <summary>
    /// Stops a server for <paramref name="outage"/> (running <paramref name="meanwhile"/>'s checks in that time) and starts
    /// it again; returns when, on the load's clock, it was stopped and started.
    /// </summary>
    public static async Task<(TimeSpan StoppedAt, TimeSpan StartedAt)> OutageAsync(ChatLoad load, Func<Task> stop, TimeSpan outage, Func<Task> start, Func<Task>? meanwhile = null)
    {
        var stoppedAt = load.Elapsed;
        await stop();
        var over = Task.Delay(outage);
        if (meanwhile is not null)
        {
            await meanwhile();
        }

        await over;
        var startedAt = load.Elapsed;
        await start();
        return (stoppedAt, startedAt);
    }
}
