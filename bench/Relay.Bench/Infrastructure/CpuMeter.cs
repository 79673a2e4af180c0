using System.Globalization;

namespace Relay.Bench.Infrastructure;

/// <summary>
/// CPU time of the processes in a run (node, sink, PostgreSQL, the harness) and of the whole machine,
/// from /proc, between two snapshots: shows where the cores went and how much other load there was.
/// </summary>
internal sealed class CpuMeter
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux
    private readonly IReadOnlyDictionary<string, Func<double>> _sources;
    private readonly Dictionary<string, double> _start;
    private readonly (double Busy, double Total) _machineStart;

    private CpuMeter(IReadOnlyDictionary<string, Func<double>> sources)
    {
        _sources = sources;
        _start = sources.ToDictionary(s => s.Key, s => s.Value());
        _machineStart = Machine();
    }

    public static CpuMeter Start(params (string Name, Func<double> Seconds)[] sources) =>
        new(sources.ToDictionary(s => s.Name, s => s.Seconds));

    /// <summary>CPU seconds used by each source since the start, and the machine's busy share of all cores.</summary>
    public CpuUse Stop()
    {
        var used = _sources.ToDictionary(s => s.Key, s => s.Value() - _start[s.Key]);
        var (busy, total) = Machine();
        var machineBusy = total > _machineStart.Total ? (busy - _machineStart.Busy) / (total - _machineStart.Total) : 0;
        return new CpuUse(used, machineBusy);
    }

    /// <summary>utime + stime of one process, in seconds (0 once it is gone).</summary>
    public static double Process(int pid)
    {
        var fields = StatFields(pid);
        return fields is null ? 0 : (Tick(fields, 14) + Tick(fields, 15)) / TicksPerSecond;
    }

    /// <summary>
    /// A PostgreSQL server's CPU: the postmaster with its reaped children (cutime, cstime) and every live
    /// child (the backends, checkpointer, WAL writer).
    /// </summary>
    public static double ProcessTree(int rootPid)
    {
        var root = StatFields(rootPid);
        if (root is null)
        {
            return 0;
        }

        var total = Tick(root, 14) + Tick(root, 15) + Tick(root, 16) + Tick(root, 17);
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && StatFields(pid) is { } child && Tick(child, 4) == rootPid)
            {
                total += Tick(child, 14) + Tick(child, 15);
            }
        }

        return total / TicksPerSecond;
    }

    private static (double Busy, double Total) Machine()
    {
        var cpu = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Skip(1).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        var idle = cpu[3] + cpu[4]; // idle + iowait
        var total = cpu.Take(8).Sum(); // user..steal; guest time is already in user
        return (total - idle, total);
    }

    // Fields of /proc/<pid>/stat numbered as in proc(5), from 1; the command name may hold spaces.
    private static string[]? StatFields(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var close = stat.LastIndexOf(')');
            return [.. new[] { "", "", "" }, .. stat[(close + 2)..].Split(' ')];
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static double Tick(string[] fields, int number) =>
        double.Parse(fields[number], CultureInfo.InvariantCulture);
}

/// <param name="Seconds">CPU seconds per source.</param>
/// <param name="MachineBusy">Share of all cores busy over the window, every process on the machine included.</param>
internal sealed record CpuUse(IReadOnlyDictionary<string, double> Seconds, double MachineBusy)
{
    /// <summary>"node 1.2 ms, sink 0.4 ms, …" per message, and the machine's busy share.</summary>
    public string PerMessage(int messages) =>
        string.Join(", ", Seconds.Select(s => string.Create(CultureInfo.InvariantCulture,
            $"{s.Key} {s.Value * 1000 / messages:0.00}")))
        + string.Create(CultureInfo.InvariantCulture, $" CPU-ms/msg; machine {MachineBusy:P0} busy");
}
