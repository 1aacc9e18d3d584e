namespace WhatsApp.Launcher.Plan;

/// <summary>
/// What to run (<see cref="LocalRunPlan"/> makes it from ./run's options): the processes with their settings, passwords
/// among them, so the plan lives in the launcher's memory only; the shard databases the fault buttons may stop and
/// start; and the control endpoint.
/// </summary>
public sealed record LaunchPlan(ControlPlan Control, IReadOnlyList<ProcessPlan> Processes, IReadOnlyList<DatabasePlan> Databases);

/// <summary>The control endpoint: a loopback port and the file holding the secret a caller must present.</summary>
public sealed record ControlPlan(int Port, string SecretFile);

public enum ProcessRole
{
    Silo,
    Gateway,
    Client,
}

/// <summary>One host: run <see cref="Command"/> in <see cref="Directory"/> with these settings, appending its output to <see cref="Log"/>.</summary>
public sealed record ProcessPlan(
    string Name,
    ProcessRole Role,
    int? Shard,
    string Directory,
    IReadOnlyList<string> Command,
    IReadOnlyDictionary<string, string> Environment,
    string Log);

/// <summary>A shard's own PostgreSQL: the commands that start it and stop it (as a crash would), and the port it answers on.</summary>
public sealed record DatabasePlan(int Shard, int Port, IReadOnlyList<string> Start, IReadOnlyList<string> Stop);
