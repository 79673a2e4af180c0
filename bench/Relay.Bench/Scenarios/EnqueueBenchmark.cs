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
    private const int Rounds = 3;

    public static async Task<List<EnqueueResult>> RunAsync(BenchContext context, RelayDatabaseProvider provider)
    {
        var settings = context.Settings;
        var ct = context.Cancellation;
        var tag = provider == RelayDatabaseProvider.PostgreSql ? "pg" : "sqlite";
        var database = await BenchDatabase.CreateAsync(
            provider,
            $"enqueue_{tag}",
            context.Postgres,
            context.WorkDir,
            ct);
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

        Func<int, CancellationToken, Task> BareInto(string table) => (_, token) =>
            bare.InsertOneAsync(
                BenchMail.Row("bare", BenchContext.NowMillis(), BenchContext.NowMillis()),
                token,
                table);
        foreach (var threads in new[] { 1, 8 })
        {
            BenchContext.Progress(
                $"{database.Label}: single enqueue, {threads} thread(s), {duration.TotalSeconds:0} s each");
            Func<int, CancellationToken, Task> enqueue = (i, token) =>
                queue.EnqueueAsync(messages[i % MessagePool], cancellationToken: token);
            var variants = new List<Operation> { new(BareInto("bench_bare")), new(enqueue) };
            if (provider == RelayDatabaseProvider.PostgreSql)
            {
                variants.Add(new(BareInto("bench_bare_notify")));
                variants.Add(new(BareInto("relay_email")));
                variants.Add(new(enqueue, token => NodeWaitingAsync(database, token)));
            }

            var runs = await CompareAsync(threads, 1, duration, variants, ct);
            results.Add(new EnqueueResult(database.Label, "single", threads, 1, runs[1].Rate, runs[0].Rate,
                runs.Count > 2 ? runs[2].Rate : null, QueueTableRate: runs.Count > 3 ? runs[3].Rate : null,
                NodeWaitingRate: runs.Count > 4 ? runs[4].Rate : null)
            {
                CpuMs = runs[1].CpuMs,
                BareCpuMs = runs[0].CpuMs,
                QueueTableCpuMs = runs.Count > 3 ? runs[3].CpuMs : null,
            });
        }

        var batch = settings.BatchSize;
        BenchContext.Progress($"{database.Label}: batch enqueue of {batch}, 1 thread");
        var batchMessages = Enumerable.Range(0, batch).Select(i => messages[i % MessagePool]).ToArray();
        Func<int, CancellationToken, Task> BareBatchInto(string table) => (_, token) =>
        {
            var now = BenchContext.NowMillis();
            return bare.InsertBatchAsync(
                batchMessages.Select(_ => BenchMail.Row("bare", now, now)).ToList(),
                token,
                table);
        };
        var batchVariants = new List<Operation>
        {
            new(BareBatchInto("bench_bare")),
            new((_, token) => queue.EnqueueManyAsync(batchMessages, cancellationToken: token)),
        };
        if (provider == RelayDatabaseProvider.PostgreSql)
        {
            batchVariants.Add(new(BareBatchInto("relay_email")));
        }

        var batchRates = await CompareAsync(1, batch, duration, batchVariants, ct);
        var serializeRate = SerializationRate(batchMessages, duration / 2);
        results.Add(new EnqueueResult(
            database.Label,
            "batch",
            1,
            batch,
            batchRates[1].Rate,
            batchRates[0].Rate,
            null,
            serializeRate,
            batchRates.Count > 2 ? batchRates[2].Rate : null)
        {
            CpuMs = batchRates[1].CpuMs,
            BareCpuMs = batchRates[0].CpuMs,
            QueueTableCpuMs = batchRates.Count > 2 ? batchRates[2].CpuMs : null,
        });
        return results;
    }

    /// <summary>
    /// Holds the queue's doorbell lock as a node that waits for work does, so that every enqueue
    /// notifies, until disposed.
    /// </summary>
    private static async Task<IAsyncDisposable> NodeWaitingAsync(BenchDatabase database, CancellationToken ct)
    {
        var connection = new Npgsql.NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new Npgsql.NpgsqlCommand(
            $"SELECT pg_advisory_lock({QueueSchema.DoorbellLockClass}, {QueueSchema.DoorbellLockId})",
            connection);
        await command.ExecuteNonQueryAsync(ct);
        return connection;
    }

    /// <summary>
    /// Messages per second MimeKit writes to memory on one thread: the CPU a batch spends before any I/O.
    /// </summary>
    private static double SerializationRate(MimeMessage[] messages, TimeSpan duration)
    {
        using var buffer = new MemoryStream();
        var written = 0L;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < duration)
        {
            buffer.SetLength(0);
            messages[written % messages.Length].WriteTo(FormatOptions.Default, buffer);
            written++;
        }

        return written / watch.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// Rates of several operations measured in turns (<see cref="Rounds"/> turns of a share of
    /// <paramref name="duration"/> each), so a change in the shared machine's load hits all of them alike,
    /// with this process's CPU milliseconds per message in each: the client's cost without the database's.
    /// </summary>
    private static async Task<List<(double Rate, double CpuMs)>> CompareAsync(
        int threads,
        int perCall,
        TimeSpan duration,
        IReadOnlyList<Operation> operations,
        CancellationToken ct)
    {
        var messages = new double[operations.Count];
        var seconds = new double[operations.Count];
        var cpuSeconds = new double[operations.Count];
        for (var round = 0; round < Rounds; round++)
        {
            for (var i = 0; i < operations.Count; i++)
            {
                var during = operations[i].During is { } start ? await start(ct) : null;
                await using var scope = during;
                var (calls, elapsed, cpu) = await RunAsync(threads, duration / Rounds, operations[i].Run, ct);
                cpuSeconds[i] += cpu;
                messages[i] += calls * perCall;
                seconds[i] += elapsed;
            }
        }

        return Enumerable.Range(0, operations.Count)
            .Select(i => (messages[i] / seconds[i], cpuSeconds[i] * 1000 / messages[i]))
            .ToList();
    }

    /// <summary>
    /// Calls, seconds and this process's CPU seconds: <paramref name="threads"/> workers call the
    /// operation until the time is up (after a short untimed warm-up).
    /// </summary>
    private static async Task<(long Calls, double Seconds, double CpuSeconds)> RunAsync(
        int threads,
        TimeSpan duration,
        Func<int, CancellationToken, Task> operation,
        CancellationToken ct)
    {
        await Task.WhenAll(Enumerable.Range(0, threads).Select(t => operation(t, ct)));

        var calls = 0L;
        var cpuBefore = CpuMeter.Process(Environment.ProcessId);
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
        return (calls, watch.Elapsed.TotalSeconds, CpuMeter.Process(Environment.ProcessId) - cpuBefore);
    }
}

/// <summary>An operation to time, and what must hold while it runs (disposed afterwards).</summary>
internal sealed record Operation(
    Func<int, CancellationToken, Task> Run,
    Func<CancellationToken, Task<IAsyncDisposable>>? During = null);

/// <param name="Mode">"single" (one EnqueueAsync per message) or "batch" (EnqueueManyAsync).</param>
/// <param name="BareRate">The bare-insert floor with the same threads and batch size.</param>
/// <param name="BareNotifyRate">The bare insert into a table with a trigger that always notifies
/// (PostgreSQL, single).</param>
/// <param name="SerializeRate">MimeMessage.WriteTo alone on one thread, in memory (batch).</param>
/// <param name="QueueTableRate">The bare insert (or COPY, for batches) into relay_email itself: its indexes and
/// trigger, no client code (PostgreSQL).</param>
/// <param name="NodeWaitingRate">EnqueueAsync while a node waits for work, so that every commit notifies
/// (PostgreSQL, single).</param>
internal sealed record EnqueueResult(
    string Database,
    string Mode,
    int Threads,
    int BatchSize,
    double Rate,
    double BareRate,
    double? BareNotifyRate = null,
    double? SerializeRate = null,
    double? QueueTableRate = null,
    double? NodeWaitingRate = null)
{
    /// <summary>This process's CPU milliseconds per message while enqueueing (client, Npgsql, MimeKit).</summary>
    public double? CpuMs { get; init; }

    /// <summary>The same during the bare insert into the scratch table.</summary>
    public double? BareCpuMs { get; init; }

    /// <summary>The same during the bare insert (or COPY) into relay_email.</summary>
    public double? QueueTableCpuMs { get; init; }

    /// <summary>Cost per message relative to the bare insert: 1.0 is the floor.</summary>
    public double CostRatio => BareRate / Rate;
}
