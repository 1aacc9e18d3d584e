using WhatsApp.Launcher.Plan;

namespace WhatsApp.Launcher.Supervision;

/// <summary>
/// Owns the hosts of the plan: starts them, stops them in order (the cluster's clients first, then the silos) when the
/// launcher stops, and stops everything if one dies on its own. A silo or a shard database stopped from the control
/// endpoint is a fault asked for: the rest keeps running, and the same endpoint starts it again.
/// </summary>
public sealed partial class ClusterSupervisor(LaunchPlan plan, IHostApplicationLifetime lifetime, ILogger<ClusterSupervisor> logger) : IHostedService, IDisposable
{
    private static readonly TimeSpan DatabaseCommandTimeout = TimeSpan.FromSeconds(90);

    private readonly IReadOnlyList<ManagedProcess> _processes = [.. plan.Processes.Select(process => new ManagedProcess(process))];

    // One fault or recovery at a time: a second click while a database starts waits for the first to finish.
    private readonly SemaphoreSlim _changes = new(1, 1);
    private volatile bool _stopping;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var process in _processes)
        {
            Watch(process);
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        Console.WriteLine();
        Progress.Step("Stopping");
        await StopAllAsync(_processes.Where(process => process.Plan.Role != ProcessRole.Silo));
        await StopAllAsync(_processes.Where(process => process.Plan.Role == ProcessRole.Silo));
    }

    public async Task<ClusterStatus> StatusAsync()
    {
        var databases = await Task.WhenAll(plan.Databases.Select(async database =>
            new DatabaseStatus(database.Shard, await LoopbackPort.AnswersAsync(database.Port) ? RunState.Running : RunState.Stopped)));
        return new ClusterStatus(
            [.. _processes.Where(process => process.Plan.Role == ProcessRole.Silo)
                .Select(process => new SiloStatus(process.Plan.Shard!.Value, process.Name, process.IsRunning ? RunState.Running : RunState.Stopped, process.ProcessId))
                .OrderBy(silo => silo.Shard)],
            [.. databases.OrderBy(database => database.Shard)]);
    }

    /// <summary>Kills a shard's silo (SIGKILL): the cluster notices only when it stops answering, as after a crash.</summary>
    public Task<ControlOutcome> KillSiloAsync(int shard) => ChangeAsync(async () =>
    {
        if (SiloOf(shard) is not { } silo)
        {
            return ControlOutcome.NotFound($"There is no shard {shard}.");
        }

        if (!silo.IsRunning)
        {
            return ControlOutcome.Conflict($"{silo.Name} is not running.");
        }

        await silo.KillAsync();
        LogSiloKilled(silo.Name);
        return ControlOutcome.Done;
    });

    public Task<ControlOutcome> StartSiloAsync(int shard) => ChangeAsync(() =>
    {
        if (SiloOf(shard) is not { } silo)
        {
            return Task.FromResult(ControlOutcome.NotFound($"There is no shard {shard}."));
        }

        if (silo.IsRunning)
        {
            return Task.FromResult(ControlOutcome.Conflict($"{silo.Name} is running already."));
        }

        Watch(silo);
        LogSiloStarted(silo.Name);
        return Task.FromResult(ControlOutcome.Done);
    });

    /// <summary>Stops a shard's database the way a crash would (immediate shutdown: no checkpoint, clients cut off).</summary>
    public Task<ControlOutcome> StopDatabaseAsync(int shard) => DatabaseCommandAsync(shard, running: true, database => database.Stop, "stopped");

    public Task<ControlOutcome> StartDatabaseAsync(int shard) => DatabaseCommandAsync(shard, running: false, database => database.Start, "started");

    private Task<ControlOutcome> DatabaseCommandAsync(int shard, bool running, Func<DatabasePlan, IReadOnlyList<string>> command, string done) => ChangeAsync(async () =>
    {
        if (plan.Databases.FirstOrDefault(database => database.Shard == shard) is not { } database)
        {
            return ControlOutcome.NotFound(plan.Databases.Count == 0
                ? "Every shard shares one database here: start ./run with --databases to give each shard its own."
                : $"There is no shard {shard}.");
        }

        if (await LoopbackPort.AnswersAsync(database.Port) != running)
        {
            return ControlOutcome.Conflict($"Shard {shard}'s database is {(running ? "not running" : "running already")}.");
        }

        var result = await Terminal.RunAsync(command(database), DatabaseCommandTimeout);
        if (!result.Succeeded)
        {
            LogDatabaseCommandFailed(shard, result.Said);
            return ControlOutcome.Failed($"Shard {shard}'s database could not be {done}: {result.Said}");
        }

        LogDatabaseChanged(shard, done);
        return ControlOutcome.Done;
    });

    private async Task<ControlOutcome> ChangeAsync(Func<Task<ControlOutcome>> change)
    {
        await _changes.WaitAsync();
        try
        {
            return _stopping ? ControlOutcome.Conflict("The launcher is stopping.") : await change();
        }
        finally
        {
            _changes.Release();
        }
    }

    private ManagedProcess? SiloOf(int shard) =>
        _processes.FirstOrDefault(process => process.Plan.Role == ProcessRole.Silo && process.Plan.Shard == shard);

    private void Watch(ManagedProcess process) => _ = WatchAsync(process, process.Start());

    private async Task WatchAsync(ManagedProcess process, Task<bool> exited)
    {
        var asked = await exited;
        if (asked || _stopping)
        {
            return;
        }

        // A host that dies on its own is a failure the person running ./run must see: stop everything and say which.
        Progress.Fail($"{process.Name} stopped unexpectedly.");
        Progress.Tail(process.Plan.Log);

        Environment.ExitCode = 1;
        lifetime.StopApplication();
    }

    private static async Task StopAllAsync(IEnumerable<ManagedProcess> processes) =>
        await Task.WhenAll(processes.Where(process => process.IsRunning).Select(async process =>
        {
            await process.StopAsync();
            Progress.Detail($"stopped {process.Name}");
        }));

    public void Dispose() => _changes.Dispose();

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "{Silo} killed (SIGKILL) from the control endpoint")]
    private partial void LogSiloKilled(string silo);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "{Silo} started again from the control endpoint")]
    private partial void LogSiloStarted(string silo);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Shard {Shard}'s database {Change} from the control endpoint")]
    private partial void LogDatabaseChanged(int shard, string change);

    [LoggerMessage(EventId = 4, Level = LogLevel.Error, Message = "A command on shard {Shard}'s database failed: {Output}")]
    private partial void LogDatabaseCommandFailed(int shard, string output);
}

public enum RunState
{
    Running,
    Stopped,
}

public sealed record ClusterStatus(IReadOnlyList<SiloStatus> Silos, IReadOnlyList<DatabaseStatus> Databases);

public sealed record SiloStatus(int Shard, string Name, RunState State, int? ProcessId);

public sealed record DatabaseStatus(int Shard, RunState State);

/// <summary>How a control action went: done, or why not (a missing shard, the wrong state, a failed command).</summary>
public sealed record ControlOutcome(ControlOutcomeKind Kind, string? Detail)
{
    public static readonly ControlOutcome Done = new(ControlOutcomeKind.Done, null);

    public static ControlOutcome NotFound(string detail) => new(ControlOutcomeKind.NotFound, detail);

    public static ControlOutcome Conflict(string detail) => new(ControlOutcomeKind.Conflict, detail);

    public static ControlOutcome Failed(string detail) => new(ControlOutcomeKind.Failed, detail);
}

public enum ControlOutcomeKind
{
    Done,
    NotFound,
    Conflict,
    Failed,
}
