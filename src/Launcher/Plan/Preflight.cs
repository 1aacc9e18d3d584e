using WhatsApp.Launcher.Stores;
using WhatsApp.Launcher.Supervision;

namespace WhatsApp.Launcher.Plan;

/// <summary>What must hold before anything starts: every port free, every host built, a logs folder only its owner reads.</summary>
public static class Preflight
{
    private static readonly string[] Hosts = ["Silo", "Gateway", "Client"];

    /// <exception cref="LaunchFailedException">A port is taken or a host is not built.</exception>
    public static async Task CheckAsync(LaunchOptions options, LocalLayout layout)
    {
        foreach (var (port, owner) in options.Ports())
        {
            if (await LoopbackPort.AnswersAsync(port))
            {
                throw new LaunchFailedException($"Port {port} ({owner}) is already in use. Stop what uses it (ss -ltnp | grep :{port}) or choose another port (./run --help).");
            }
        }

        foreach (var project in Hosts)
        {
            if (!File.Exists(Path.Combine(LocalLayout.BuildOf(project), LocalLayout.AssemblyOf(project))))
            {
                throw new LaunchFailedException($"{project} is not built: run without --no-build.");
            }
        }

        // The logs name users and addresses: for whoever runs the cluster only.
        const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Directory.CreateDirectory(layout.Logs, OwnerOnly);
        File.SetUnixFileMode(layout.Logs, OwnerOnly);
    }
}
