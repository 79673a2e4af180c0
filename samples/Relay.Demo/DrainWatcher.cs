using System.Diagnostics;
using System.Globalization;
using Relay.Shared.Queue;

namespace Relay.Demo;

/// <summary>
/// Reads the queue's status counts every half second and prints a progress line whenever they changed,
/// until nothing is left to deliver, the time is up, or the user stops the demo.
/// </summary>
internal sealed class DrainWatcher(RelayDatabase database, TextWriter output)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    /// <param name="clock">Started when the node started: progress times and the timeout count from there.</param>
    public async Task<QueueCounts> WaitUntilDrainedAsync(
        Stopwatch clock,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        using var ticks = new PeriodicTimer(Interval);
        QueueCounts? last = null;
        while (true)
        {
            var counts = await QueueCounts.ReadAsync(database, cancellationToken);
            if (counts != last)
            {
                var seconds = clock.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
                output.WriteLine($"  {seconds,5} s  {counts}");
                last = counts;
            }

            if (counts.IsDrained)
            {
                return counts;
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException(
                    $"The queue did not drain within {timeout.TotalSeconds:0} seconds; still waiting: {counts}.");
            }

            await ticks.WaitForNextTickAsync(cancellationToken);
        }
    }
}
