using System.Text.Json;
using System.Text.Json.Serialization;

namespace WhatsApp.Launcher.Plan;

/// <summary>
/// What to run, as ./run computed it: the processes with their settings (passwords among them, so the plan comes on
/// standard input and is never written to a file), the shard databases it may stop and start, and the control endpoint.
/// </summary>
public sealed record LaunchPlan(ControlPlan Control, IReadOnlyList<ProcessPlan> Processes, IReadOnlyList<DatabasePlan> Databases)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
    };

    public static async Task<LaunchPlan> ReadAsync(TextReader reader)
    {
        var text = await reader.ReadToEndAsync();
        var plan = JsonSerializer.Deserialize<LaunchPlan>(text, Json)
            ?? throw new InvalidDataException("The launch plan is empty.");
        plan.Validate();
        return plan;
    }

    public IEnumerable<ProcessPlan> Silos => Processes.Where(process => process.Role == ProcessRole.Silo);

    private void Validate()
    {
        if (Processes.Count == 0)
        {
            throw new InvalidDataException("The launch plan names no process.");
        }

        var names = Processes.GroupBy(process => process.Name).FirstOrDefault(group => group.Count() > 1);
        if (names is not null)
        {
            throw new InvalidDataException($"The launch plan names {names.Key} twice.");
        }

        if (Processes.Any(process => process.Command.Count == 0) || Databases.Any(database => database.Start.Count == 0 || database.Stop.Count == 0))
        {
            throw new InvalidDataException("Every command in the launch plan needs a program.");
        }

        if (Processes.Any(process => process.Role == ProcessRole.Silo && process.Shard is null))
        {
            throw new InvalidDataException("Every silo in the launch plan needs its shard.");
        }
    }
}

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
