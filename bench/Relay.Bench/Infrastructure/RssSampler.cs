namespace Relay.Bench.Infrastructure;

/// <summary>
/// Samples a process's VmHWM every 100 ms, so the peak survives the process: a stopped node can no
/// longer be asked.
/// </summary>
internal sealed class RssSampler : IDisposable
{
    private readonly Timer _timer;
    private long _peak;

    public RssSampler(int pid)
    {
        _timer = new Timer(_ =>
        {
            var now = ProcStatus.Read(pid, "VmHWM") ?? 0;
            if (now > Interlocked.Read(ref _peak))
            {
                Interlocked.Exchange(ref _peak, now);
            }
        }, null, TimeSpan.Zero, TimeSpan.FromMilliseconds(100));
    }

    public long Peak => Interlocked.Read(ref _peak);

    public void Dispose() => _timer.Dispose();
}
