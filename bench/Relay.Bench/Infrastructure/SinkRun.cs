using System.Collections.Concurrent;

namespace Relay.Bench.Infrastructure;

/// <summary>The acceptances of one run's marked messages at the sink.</summary>
internal sealed class SinkRun
{
    private readonly object _gate = new();
    private readonly TaskCompletionSource _complete = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, long> _times = new(StringComparer.Ordinal);
    private readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];
    private int _count;
    private int _duplicates;
    private long _first = long.MaxValue;
    private long _last = long.MinValue;

    public SinkRun(string name, int expected)
    {
        Name = name;
        Expected = expected;
    }

    public string Name { get; }

    public int Expected { get; }

    public int Count => Volatile.Read(ref _count);

    /// <summary>Messages accepted more than once (a resend after a lapsed lease, for instance).</summary>
    public int Duplicates => Volatile.Read(ref _duplicates);

    public long FirstMicros => Interlocked.Read(ref _first);

    public long LastMicros => Interlocked.Read(ref _last);

    public string Marker(long n) => $"{Name}-{n}";

    public long? TimeOf(string marker) => _times.TryGetValue(marker, out var t) ? t : null;

    public void Record(string marker, long micros)
    {
        if (!_times.TryAdd(marker, micros))
        {
            Interlocked.Increment(ref _duplicates);
            return;
        }

        List<TaskCompletionSource> released = [];
        lock (_gate)
        {
            _first = Math.Min(_first, micros);
            _last = Math.Max(_last, micros);
            _count++;
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Count <= _count)
                {
                    released.Add(_waiters[i].Done);
                    _waiters.RemoveAt(i);
                }
            }

            if (_count >= Expected)
            {
                released.Add(_complete);
            }
        }

        released.ForEach(done => done.TrySetResult());
    }

    public Task WaitCompleteAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitOrExplain(_complete.Task, Expected, timeout, cancellationToken);

    public Task WaitForCountAsync(int count, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_count >= count)
            {
                return Task.CompletedTask;
            }

            _waiters.Add((count, done));
        }

        return WaitOrExplain(done.Task, count, timeout, cancellationToken);
    }

    private async Task WaitOrExplain(Task task, int count, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException(
                $"run {Name}: the sink accepted {Count} of {count} expected messages within {timeout}");
        }
    }
}
