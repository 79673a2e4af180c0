namespace Relay.Bench.Infrastructure;

/// <summary>
/// Samples a process's resident memory every 100 ms, so the peak survives the process (a stopped
/// node can no longer be asked), and keeps the split of the largest sample: anonymous memory
/// (GC heap, native allocations), file-backed pages (mapped assemblies, shared with every .NET
/// process) and shared memory (the runtime's double-mapped JIT code).
/// </summary>
internal sealed class RssSampler : IDisposable
{
    private readonly object _gate = new();
    private readonly Timer _timer;
    private RssSplit _largest = new(0, 0, 0, 0);
    private long _hwm;

    public RssSampler(int pid)
    {
        _timer = new Timer(_ => Sample(pid), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(100));
    }

    /// <summary>The kernel's high-water mark (VmHWM) as last seen.</summary>
    public long Peak => Interlocked.Read(ref _hwm);

    /// <summary>The sample with the largest VmRSS, split by kind.</summary>
    public RssSplit Largest
    {
        get
        {
            lock (_gate)
            {
                return _largest;
            }
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Sample(int pid)
    {
        if (ProcStatus.Read(pid, "VmHWM") is { } hwm)
        {
            Interlocked.Exchange(ref _hwm, Math.Max(hwm, Interlocked.Read(ref _hwm)));
        }

        var rss = ProcStatus.Read(pid, "VmRSS") ?? 0;
        lock (_gate)
        {
            if (rss > _largest.Total)
            {
                _largest = new RssSplit(rss, ProcStatus.Read(pid, "RssAnon") ?? 0,
                    ProcStatus.Read(pid, "RssFile") ?? 0, ProcStatus.Read(pid, "RssShmem") ?? 0);
            }
        }
    }
}

/// <summary>One VmRSS reading and its parts, in bytes.</summary>
internal sealed record RssSplit(long Total, long Anonymous, long File, long Shmem)
{
    public override string ToString() =>
        $"anon {Anonymous / 1e6:0} + file {File / 1e6:0} + shmem {Shmem / 1e6:0} MB";
}
