using Microsoft.Extensions.DependencyInjection;
using Relay.Bench.Infrastructure;
using Relay.Client;
using Relay.Shared.Queue;

namespace Relay.Bench.Scenarios;

/// <summary>
/// Latency with an idle node: one email at a time is enqueued; each sample is from the moment the
/// enqueue call returned (its transaction committed) to the sink's acceptance, then a short random
/// pause lets the node go idle again.
/// </summary>
internal static class LatencyBenchmark
{
    public static async Task<LatencyResult> RunAsync(BenchContext context, RelayDatabaseProvider provider)
    {
        var settings = context.Settings;
        var ct = context.Cancellation;
        var tag = provider == RelayDatabaseProvider.PostgreSql ? "pg" : "sqlite";
        var name = $"latency_{tag}";
        var database = await BenchDatabase.CreateAsync(provider, name, context.Postgres, context.WorkDir, ct);
        await using var node = NodeProcess.Start(
            context.NodeDll, database, context.Sink, settings.Connections, context.WorkDir, name.Replace('_', '-'),
            context.NodeEnvironment);
        await node.WaitReadyAsync(TimeSpan.FromMinutes(2), ct);
        await using var services = new ServiceCollection()
            .AddRelayQueue(o =>
            {
                o.Provider = provider;
                o.ConnectionString = database.ConnectionString;
                o.Source = "bench";
            })
            .BuildServiceProvider();
        var queue = services.GetRequiredService<IRelayQueue>();
        Func<string, CancellationToken, Task> enqueue = (marker, token) =>
            queue.EnqueueAsync(BenchMail.Message(marker), cancellationToken: token);

        // Without notifications (SQLite) the node finds new rows on its 1 s poll: a pause of a random
        // fraction of that period keeps the samples from locking onto the poll's phase.
        var (pauseMin, pauseMax, count) = provider == RelayDatabaseProvider.PostgreSql
            ? (20, 80, settings.LatencySamples)
            : (20, 1020, Math.Max(10, settings.LatencySamples / 2));
        var warmCount = 20;
        var warm = context.Sink.Track($"{name}warm", warmCount);
        await MeasureAsync(warm, warmCount, enqueue, 20, 80, ct);

        var run = context.Sink.Track(name, count);
        BenchContext.Progress($"{database.Label}: {count} latency samples");
        var samples = await MeasureAsync(run, count, enqueue, pauseMin, pauseMax, ct);
        samples.Sort();
        return new LatencyResult(
            database.Label,
            samples.Count,
            Percentile(samples, 0.50),
            Percentile(samples, 0.95),
            Percentile(samples, 0.99),
            samples[^1]);
    }

    private static async Task<List<double>> MeasureAsync(
        SinkRun run,
        int count,
        Func<string, CancellationToken, Task> enqueue,
        int pauseMin,
        int pauseMax,
        CancellationToken ct)
    {
        var samples = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var marker = run.Marker(i);
            await enqueue(marker, ct);
            var committed = BenchContext.NowMicros();
            await run.WaitForCountAsync(i + 1, TimeSpan.FromSeconds(30), ct);
            var accepted = run.TimeOf(marker) ?? throw new InvalidOperationException($"no time for {marker}");
            samples.Add((accepted - committed) / 1000.0);
            await Task.Delay(Random.Shared.Next(pauseMin, pauseMax), ct);
        }

        return samples;
    }

    /// <summary>Nearest-rank percentile of sorted samples.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        var rank = (int)Math.Ceiling(p * sorted.Count);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Count - 1)];
    }
}

internal sealed record LatencyResult(
    string Database,
    int Samples,
    double P50Ms,
    double P95Ms,
    double P99Ms,
    double MaxMs);
