using System.Globalization;
using System.Runtime.InteropServices;
using WhatsApp.Testing;

namespace WhatsApp.Benchmarks.Reporting;

/// <summary>Where and on what the figures were measured.</summary>
public sealed record MachineInfo(int Cores, double MemoryGiB, string Processor, string OperatingSystem, string Runtime, string Commit, DateTimeOffset Date)
{
    public static async Task<MachineInfo> DescribeAsync()
    {
        var memoryKilobytes = File.ReadLines("/proc/meminfo").First(line => line.StartsWith("MemTotal:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        var processor = File.ReadLines("/proc/cpuinfo").FirstOrDefault(line => line.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
        return new MachineInfo(
            Environment.ProcessorCount,
            Math.Round(long.Parse(memoryKilobytes, CultureInfo.InvariantCulture) / 1024.0 / 1024.0, 1),
            processor,
            RuntimeInformation.OSDescription,
            RuntimeInformation.FrameworkDescription,
            await CommitAsync(),
            DateTimeOffset.UtcNow);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Cores} cores ({Processor}), {MemoryGiB:F1} GiB, {OperatingSystem}, {Runtime}");

    private static async Task<string> CommitAsync()
    {
        try
        {
            var head = (await ExternalProcess.RunAsync("git", ["-C", RepositoryLayout.Root, "rev-parse", "HEAD"], TimeSpan.FromSeconds(10))).Trim();
            var changes = await ExternalProcess.RunAsync("git", ["-C", RepositoryLayout.Root, "status", "--porcelain", "--untracked-files=no"], TimeSpan.FromSeconds(10));
            return string.IsNullOrWhiteSpace(changes) ? head : $"{head} (with uncommitted changes)";
        }
        catch (Exception exception) when (exception is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            return "unknown (no git)";
        }
    }
}
