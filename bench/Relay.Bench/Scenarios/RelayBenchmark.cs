using Relay.Bench.Infrastructure;
using Relay.Shared.Queue;

namespace Relay.Bench.Scenarios;

/// <summary>
/// Relay throughput: N rows committed to the queue in one transaction while the real node (its own
/// process, K senders) idles, timed from that commit to the sink's last acceptance.
/// </summary>
internal static class RelayBenchmark
{
    public static async Task<RelayResult> RunAsync(BenchContext context, RelayDatabaseProvider provider, int senders)
    {
        var settings = context.Settings;
        var ct = context.Cancellation;
        var tag = provider == RelayDatabaseProvider.PostgreSql ? "pg" : "sqlite";
        var name = $"relay_{tag}_k{senders}";
        var database = await BenchDatabase.CreateAsync(provider, name, context.Postgres, context.WorkDir, ct);
        await using var node = NodeProcess.Start(
            context.NodeDll, database, context.Sink, senders, context.WorkDir, name.Replace('_', '-'),
            context.NodeEnvironment);
        await node.WaitReadyAsync(TimeSpan.FromMinutes(2), ct);

        var warm = context.Sink.Track($"{name}warm", settings.WarmUp);
        await database.InsertAsync(Rows(warm, settings.WarmUp), ct);
        await warm.WaitCompleteAsync(TimeSpan.FromMinutes(2), ct);
        await database.WaitForSentAsync(settings.WarmUp, TimeSpan.FromMinutes(1), ct);

        var run = context.Sink.Track(name, settings.Messages);
        var rows = Rows(run, settings.Messages).ToList();
        BenchContext.Progress($"{database.Label}: committing {settings.Messages:N0} rows for the node");
        var activity = provider == RelayDatabaseProvider.PostgreSql
            ? await PostgresActivity.StartAsync(database.ConnectionString, ct)
            : null;
        await database.InsertAsync(rows, ct);
        var committed = BenchContext.NowMicros();
        var cpu = context.MeasureCpu(node);
        await run.WaitCompleteAsync(TimeSpan.FromMinutes(10), ct);
        var seconds = (run.LastMicros - committed) / 1e6;
        var cpuUse = cpu.Stop();
        await database.WaitForSentAsync(settings.WarmUp + settings.Messages, TimeSpan.FromMinutes(2), ct);
        var storedSeconds = (BenchContext.NowMicros() - committed) / 1e6;
        var (commits, walSyncs) = activity is null ? (0L, 0L) : await activity.StopAsync(ct);

        return new RelayResult(
            database.Label,
            senders,
            settings.Messages,
            settings.Messages / seconds,
            seconds,
            storedSeconds,
            node.PeakRssBytes,
            node.PeakRssSplit,
            run.Duplicates,
            cpuUse,
            activity is null ? null : (commits, walSyncs));
    }

    private static IEnumerable<EmailRow> Rows(SinkRun run, int count)
    {
        var now = BenchContext.NowMillis();
        for (var i = 0; i < count; i++)
        {
            yield return BenchMail.Row(run.Marker(i), now, now);
        }
    }
}

/// <param name="StoredSeconds">From the commit until every row was marked sent in the database.</param>
/// <param name="Postgres">Commits in the queue database and WAL syncs from the commit until all were marked sent
/// (the harness's own insert and polling included).</param>
internal sealed record RelayResult(
    string Database,
    int Senders,
    int Messages,
    double Rate,
    double Seconds,
    double StoredSeconds,
    long PeakRssBytes,
    RssSplit PeakRssSplit,
    int Duplicates,
    CpuUse Cpu,
    (long Commits, long WalSyncs)? Postgres);
