using System.Globalization;
using WhatsApp.Testing;

namespace WhatsApp.Benchmarks.Measurement;

/// <summary>
/// The CPU time (user + system) the kernel has charged to every live process, read from /proc/&lt;pid&gt;/stat at one
/// moment, in clock ticks.
/// </summary>
public sealed class ProcessTimes
{
    private readonly Dictionary<int, Stat> _processes;
    private readonly ILookup<int, Stat> _children;

    private ProcessTimes(Dictionary<int, Stat> processes)
    {
        _processes = processes;
        _children = processes.Values.ToLookup(stat => stat.ParentId);
    }

    /// <summary>The kernel's USER_HZ, the unit of /proc's times (sysconf(_SC_CLK_TCK)).</summary>
    public static async Task<long> TicksPerSecondAsync() =>
        long.Parse((await ExternalProcess.RunAsync("getconf", ["CLK_TCK"], TimeSpan.FromSeconds(10))).Trim(), CultureInfo.InvariantCulture);

    public static ProcessTimes ReadNow()
    {
        var processes = new Dictionary<int, Stat>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var processId) && ReadStat(processId) is { } stat)
            {
                processes[processId] = stat;
            }
        }

        return new ProcessTimes(processes);
    }

    /// <summary>The time of one process alone, without its children's.</summary>
    public long OwnTicks(int processId) => _processes.TryGetValue(processId, out var stat) ? stat.OwnTicks : 0;

    /// <summary>
    /// The time charged so far to the process trees under these roots: every live process's own time, plus the time of
    /// the children each has reaped (cutime and cstime, which a child's time joins when its parent waits for it).
    /// Taken before and after a window, the difference counts a child that ended during the window once, less the time
    /// it had before the window, and a child that started and ended within it in full: a PostgreSQL backend of a
    /// connection opened or closed meanwhile is reaped by the postmaster. Only a child reaped by a process outside the
    /// trees (an orphan adopted by init) is lost, and /proc is not read atomically: a child that ends while it is being
    /// read may be counted twice or not at all.
    /// </summary>
    public long TreeTicks(IEnumerable<int> roots)
    {
        var seen = new HashSet<int>();
        var pending = new Stack<int>(roots);
        var total = 0L;
        while (pending.TryPop(out var processId))
        {
            if (!seen.Add(processId) || !_processes.TryGetValue(processId, out var stat))
            {
                continue;
            }

            total += stat.OwnTicks + stat.ReapedChildrenTicks;
            foreach (var child in _children[processId])
            {
                pending.Push(child.ProcessId);
            }
        }

        return total;
    }

    private sealed record Stat(int ProcessId, int ParentId, long OwnTicks, long ReapedChildrenTicks);

    private static Stat? ReadStat(int processId)
    {
        string line;
        try
        {
            line = File.ReadAllText($"/proc/{processId}/stat");
        }
        catch (IOException)
        {
            // It ended between listing /proc and reading it: its time is in its parent's reaped children, or lost.
            return null;
        }

        // The command name (field 2) is in parentheses and may hold spaces or parentheses itself, so fields are counted
        // from after its last ')': field 3 (state) is at index 0, ppid (4) at 1, utime (14) at 11, stime (15) at 12,
        // cutime (16) at 13 and cstime (17) at 14.
        var fields = line[(line.LastIndexOf(')') + 2)..].Split(' ');
        long Field(int index) => long.Parse(fields[index], CultureInfo.InvariantCulture);
        return new Stat(processId, (int)Field(1), Field(11) + Field(12), Field(13) + Field(14));
    }
}
