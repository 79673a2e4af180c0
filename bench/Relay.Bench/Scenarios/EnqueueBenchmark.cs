using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Relay.Bench.Infrastructure;
using Relay.Client;
using Relay.Shared.Queue;

namespace Relay.Bench.Scenarios;

/// <summary>
/// Enqueue through Relay.Client's IRelayQueue (single, from 1 and 8 app threads, and batched), each
/// next to the bare-insert floor with the same threads and batch size, alternating so drift in a
/// shared machine's load hits both alike. No node runs: rows only accumulate.
/// </summary>
internal static class EnqueueBenchmark
{
    private const int MessagePool = 64;

    public static async Task<List<EnqueueResult>> RunAsync(BenchContext context, RelayDatabaseProvider provider)
    {
        var settings = context.Settings;
        var ct = context.Cancellation;
        var tag = provider == RelayDatabaseProvider.PostgreSql ? "pg" : "sqlite";
        var database = await BenchDatabase.CreateAsync(provider, $"enqueue_{tag}", context.Postgres, context.WorkDir, ct);
        await using var bare = await BareInsert.CreateAsync(database, ct);
        await using var services = new ServiceCollection()
            .AddRelayQueue(o =>
            {
                o.Provider = provider;
                o.ConnectionString = database.ConnectionString;
                o.Source = "bench";
            })
            .BuildServiceProvider();
        var queue = services.GetRequiredService<IRelayQueue>();
        var messages = Enumerable.Range(0, MessagePool).Select(i => BenchMail.Message($"enq-{i}")).ToArray();
        var duration = settings.EnqueueDuration;
        var results = new List<EnqueueResult>();

        foreach (var threads in new[] { 1, 8 })
        {
            BenchContext.Progress($"{database.Label}: single enqueue, {threads} thread(s), {duration.TotalSeconds:0} s each");
            var bareRate = await RateAsync(threads, duration, 1, (i, token) =>
                bare.InsertOneAsync(BenchMail.Row("bare", BenchContext.NowMillis(), BenchContext.NowMillis()), token), ct);
            var rate = await RateAsync(threads, duration, 1, (i, token) =>
                queue.EnqueueAsync(messages[i % MessagePool], cancellationToken: token), ct);
            results.Add(new EnqueueResult(database.Label, "single", threads, 1, rate, bareRate));
        }

        var batch = settings.BatchSize;
        BenchContext.Progress($"{database.Label}: batch enqueue of {batch}, 1 thread");
        var batchMessages = Enumerable.Range(0, batch).Select(i => messages[i % MessagePool]).ToArray();
        var bareBatchRate = await RateAsync(1, duration, batch, (_, token) =>
        {
            var now = BenchContext.NowMillis();
            return bare.InsertBatchAsync(batchMessages.Select(_ => BenchMail.Row("bare", now, now)).ToList(), token);
        }, ct);
        var batchRate = await RateAsync(1, duration, batch, (_, token) =>
            queue.EnqueueManyAsync(batchMessages, cancellationToken: token), ct);
        results.Add(new EnqueueResult(database.Label, "batch", 1, batch, batchRate, bareBatchRate));
        return results;
    }

    /// <summary>
    /// Messages per second: <paramref name="threads"/> workers call the operation until the time is up
    /// (after a short untimed warm-up); each call stores <paramref name="perCall"/> messages.
    /// </summary>
    private static async Task<double> RateAsync(
        int threads,
        TimeSpan duration,
        int perCall,
        Func<int, CancellationToken, Task> operation,
        CancellationToken ct)
    {
        await Task.WhenAll(Enumerable.Range(0, threads).Select(t => operation(t, ct)));

        var calls = 0L;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, threads).Select(t => Task.Run(async () =>
        {
            var i = t;
            while (watch.Elapsed < duration)
            {
                await operation(i, ct);
                Interlocked.Increment(ref calls);
                i += threads;
            }
        }, ct)));
        watch.Stop();
        return calls * perCall / watch.Elapsed.TotalSeconds;
    }
}

/// <param name="Mode">"single" (one EnqueueAsync per message) or "batch" (EnqueueManyAsync).</param>
/// <param name="BareRate">The bare-insert floor with the same threads and batch size.</param>
internal sealed record EnqueueResult(
    string Database,
    string Mode,
    int Threads,
    int BatchSize,
    double Rate,
    double BareRate)
{
    /// <summary>Cost per message relative to the bare insert: 1.0 is the floor.</summary>
    public double CostRatio => BareRate / Rate;
}
