using System.Globalization;

namespace WhatsApp.Benchmarks.Measurement;

/// <summary>Resident memory of a process as the kernel counts it (VmRSS in /proc/&lt;pid&gt;/status).</summary>
public static class ProcessMemory
{
    public static long ResidentBytes(int processId)
    {
        var line = File.ReadLines($"/proc/{processId}/status").First(line => line.StartsWith("VmRSS:", StringComparison.Ordinal));
        var kilobytes = line["VmRSS:".Length..].Trim().Split(' ')[0];
        return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
    }
}
