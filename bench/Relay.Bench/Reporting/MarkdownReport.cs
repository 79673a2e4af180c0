using System.Globalization;
using System.Text;
using Relay.Bench.Scenarios;

namespace Relay.Bench.Reporting;

/// <summary>The results as markdown: the figures table, the target checks and the claim plans.</summary>
internal static class MarkdownReport
{
    public const double MaxRssMb = 150;
    public const double SameRssTolerance = 0.15;
    public const double SameClaimTolerance = 1.5;

    public static string Table(BenchResults results, BenchSettings settings)
    {
        var table = new StringBuilder();
        table.AppendLine("| # | measure | database | K / threads | messages | result | ratio | notes |");
        table.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var (limit, i) in results.Limits.Select((l, i) => (l, i)))
        {
            Row(
                table,
                "1",
                $"limit: MailKit → sink (run {i + 1} of {results.Limits.Count})",
                "none",
                limit.Connections,
                limit.Messages,
                Rate(limit.Rate),
                "",
                $"{limit.Seconds:0.00} s; {limit.Cpu.PerMessage(limit.Messages)}");
        }

        foreach (var relay in results.Relays)
        {
            var ratio = results.LimitRate is { } ceiling ? $"relay/limit {relay.Rate / ceiling:0.00}" : "";
            Row(
                table,
                "2",
                "relay throughput (commit → last acceptance)",
                relay.Database,
                relay.Senders,
                relay.Messages,
                Rate(relay.Rate),
                ratio,
                $"{relay.Seconds:0.00} s; all marked sent after {relay.StoredSeconds:0.00} s; "
                + $"node peak RSS {Mb(relay.PeakRssBytes)} ({relay.PeakRssSplit}); duplicates {relay.Duplicates}; "
                + relay.Cpu.PerMessage(relay.Messages)
                + (relay.Postgres is { } pg
                    ? $"; {pg.Commits:N0} commits, {pg.WalSyncs:N0} WAL syncs "
                        + $"({(double)relay.Messages / Math.Max(1, pg.Commits):0.0} msg per commit)"
                    : ""));
        }

        foreach (var enqueue in results.Enqueues)
        {
            var what = enqueue.Mode == "batch"
                ? $"batch enqueue (EnqueueManyAsync, {enqueue.BatchSize})"
                : "single enqueue (EnqueueAsync)";
            Row(
                table,
                "3",
                what,
                enqueue.Database,
                enqueue.Threads,
                null,
                Rate(enqueue.Rate),
                $"enqueue/bare-insert cost {enqueue.CostRatio:0.00}×"
                + (enqueue.QueueTableRate is { } queueOnly
                    ? $" ({queueOnly / enqueue.Rate:0.00}× vs the same into relay_email)"
                    : ""),
                $"bare {(enqueue.Mode == "batch" ? "batch (binary COPY / prepared INSERTs)" : "INSERT + commit")}: "
                + $"{Rate(enqueue.BareRate)}"
                + (enqueue.BareNotifyRate is { } notify
                    ? $"; bare with a NOTIFY trigger: {Rate(notify)}"
                    : "")
                + (enqueue.QueueTableRate is { } queueTable
                    ? $"; bare into relay_email itself: {Rate(queueTable)}"
                    : "")
                + (enqueue.NodeWaitingRate is { } waiting
                    ? $"; EnqueueAsync while a node waits (every commit notifies): {Rate(waiting)}"
                    : "")
                + (enqueue.SerializeRate is { } serialize ? $"; MimeMessage.WriteTo alone: {Rate(serialize)}" : "")
                + (enqueue is { CpuMs: { } cpu, BareCpuMs: { } bareCpu }
                    ? $"; harness CPU-ms/msg: enqueue {cpu:0.000}, bare {bareCpu:0.000}"
                      + (enqueue.QueueTableCpuMs is { } tableCpu ? $", bare into relay_email {tableCpu:0.000}" : "")
                    : ""));
        }

        foreach (var latency in results.Latencies)
        {
            Row(table, "4", "idle latency (enqueue commit → accepted)", latency.Database, settings.Connections,
                latency.Samples, $"p50 {latency.P50Ms:0.0} ms, p99 {latency.P99Ms:0.0} ms", "",
                $"p95 {latency.P95Ms:0.0} ms, max {latency.MaxMs:0.0} ms");
        }

        foreach (var backlog in results.Backlogs)
        {
            Row(
                table,
                "5",
                $"memory, backlog {backlog.Backlog:N0} queued",
                "PostgreSQL",
                settings.Connections,
                backlog.Relayed,
                $"node peak RSS {Mb(backlog.PeakRssBytes)} ({backlog.PeakRssSplit})",
                $"claim of 200: {backlog.Claim} in the server, {backlog.ClaimMs:0.0} ms with commit",
                $"claim with nothing due (backlog scheduled later): {backlog.IdleClaim}, {backlog.IdleClaimMs:0.0} ms; "
                + $"relayed {backlog.Relayed:N0} at {Rate(backlog.RelayRate)}; "
                + $"load {backlog.LoadSeconds:0.0} s ({backlog.TableSize})");
        }

        return table.ToString();
    }

    public static IReadOnlyList<(string Target, string Verdict, string Measured)> Targets(BenchResults results)
    {
        var checks = new List<(string, string, string)>();
        var limit = results.LimitRate;
        var relay = results.Relays.FirstOrDefault(r => r.Database == "PostgreSQL");
        if (limit is { } ceiling && relay is not null)
        {
            checks.Add(("relay on PostgreSQL ≥ 70 % of the limit at the same K",
                Mark(relay.Rate >= 0.7 * ceiling),
                $"{relay.Rate / ceiling:P0} ({Rate(relay.Rate)} of {Rate(ceiling)})"));
            checks.Add(("relay on PostgreSQL ≥ 3,000 msg/s where the limit allows it",
                ceiling >= 3000 ? Mark(relay.Rate >= 3000) : "n/a",
                ceiling >= 3000 ? Rate(relay.Rate) : $"limit is {Rate(ceiling)} here"));
        }
        else
        {
            checks.Add(("relay on PostgreSQL vs the limit", "not measured", ""));
        }

        foreach (var single in results.Enqueues.Where(e => e.Database == "PostgreSQL" && e.Mode == "single"))
        {
            checks.Add(($"single enqueue ({single.Threads} thread{(single.Threads == 1 ? "" : "s")}) "
                + "within 1.3× of the bare insert",
                Mark(single.CostRatio <= 1.3),
                $"{single.CostRatio:0.00}× ({Rate(single.Rate)} vs {Rate(single.BareRate)})"));
        }

        var batch = results.Enqueues.FirstOrDefault(e => e.Database == "PostgreSQL" && e.Mode == "batch");
        checks.Add(("batch enqueue on PostgreSQL ≥ 30,000 msg/s",
            batch is null ? "not measured" : Mark(batch.Rate >= 30_000),
            batch is null ? "" : Rate(batch.Rate)));

        var latency = results.Latencies.FirstOrDefault(l => l.Database == "PostgreSQL");
        checks.Add(("idle latency on PostgreSQL p50 < 50 ms",
            latency is null ? "not measured" : Mark(latency.P50Ms < 50),
            latency is null ? "" : $"{latency.P50Ms:0.0} ms"));
        checks.Add(("idle latency on PostgreSQL p99 < 250 ms",
            latency is null ? "not measured" : Mark(latency.P99Ms < 250),
            latency is null ? "" : $"{latency.P99Ms:0.0} ms"));

        var rss = results.Backlogs.Select(b => b.PeakRssBytes)
            .Concat(results.Relays.Select(r => r.PeakRssBytes))
            .ToList();
        checks.Add(("node RSS under 150 MB",
            rss.Count == 0 ? "not measured" : Mark(rss.Max() / 1e6 < MaxRssMb),
            rss.Count == 0 ? "" : $"highest peak {Mb(rss.Max())}"));
        if (results.Backlogs.Count >= 2)
        {
            var small = results.Backlogs.MinBy(b => b.Backlog)!;
            var large = results.Backlogs.MaxBy(b => b.Backlog)!;
            var growth = (double)large.PeakRssBytes / small.PeakRssBytes - 1;
            checks.Add(($"node RSS the same at {large.Backlog:N0} queued as at {small.Backlog:N0} "
                + $"(within {SameRssTolerance:P0})",
                Mark(Math.Abs(growth) <= SameRssTolerance),
                $"{Mb(large.PeakRssBytes)} vs {Mb(small.PeakRssBytes)} ({growth:+0%;-0%;0%})"));
            checks.Add(("claim cost independent of backlog, rows due: "
                + $"buffers at {large.Backlog:N0} ≤ {SameClaimTolerance}× at {small.Backlog:N0}",
                Mark(large.Claim.Buffers <= SameClaimTolerance * small.Claim.Buffers),
                $"{large.Claim} vs {small.Claim}; with commit {large.ClaimMs:0.0} vs {small.ClaimMs:0.0} ms"));
            checks.Add(("claim cost independent of backlog, nothing due: "
                + $"buffers at {large.Backlog:N0} ≤ {SameClaimTolerance}× at {small.Backlog:N0}",
                Mark(large.IdleClaim.Buffers <= SameClaimTolerance * small.IdleClaim.Buffers),
                $"{large.IdleClaim} vs {small.IdleClaim}; "
                + $"with commit {large.IdleClaimMs:0.0} vs {small.IdleClaimMs:0.0} ms"));
        }
        else
        {
            checks.Add(("node RSS and claim cost the same at two backlogs", "not measured", ""));
        }

        return checks;
    }

    public static string TargetTable(BenchResults results)
    {
        var table = new StringBuilder();
        table.AppendLine("| target | verdict | measured |");
        table.AppendLine("|---|---|---|");
        foreach (var (target, verdict, measured) in Targets(results))
        {
            table.AppendLine($"| {target} | {verdict} | {measured} |");
        }

        return table.ToString();
    }

    public static string Plans(BenchResults results)
    {
        var text = new StringBuilder();
        foreach (var backlog in results.Backlogs)
        {
            text.AppendLine($"Backlog {backlog.Backlog:N0}, claim of 200 with every row due:");
            text.AppendLine("```").AppendLine(backlog.ClaimPlan).AppendLine("```");
            text.AppendLine($"Backlog {backlog.Backlog:N0}, claim with nothing due yet:");
            text.AppendLine("```").AppendLine(backlog.IdleClaimPlan).AppendLine("```");
        }

        return text.ToString();
    }

    public static string Rate(double perSecond) => string.Create(CultureInfo.InvariantCulture, $"{perSecond:N0} msg/s");

    public static string Mb(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1e6:0} MB");

    private static string Mark(bool passed) => passed ? "✓" : "✗";

    private static void Row(
        StringBuilder table,
        string number,
        string measure,
        string database,
        int threads,
        int? messages,
        string result,
        string ratio,
        string notes) =>
        table.AppendLine(string.Create(
            CultureInfo.InvariantCulture,
            $"| {number} | {measure} | {database} | {threads} | "
            + $"{(messages is { } m ? m.ToString("N0", CultureInfo.InvariantCulture) : "timed")} | "
            + $"{result} | {ratio} | {notes} |"));
}
