using System.Diagnostics;
using System.Reflection;
using System.Text;
using Npgsql;
using Relay.Bench.Infrastructure;
using Relay.Node.Data;
using Relay.Shared.Queue;

namespace Relay.Bench.Scenarios;

/// <summary>
/// Memory and claim cost against a backlog on PostgreSQL: B due rows are bulk-loaded (binary COPY),
/// the node's own claim (QueueStore.ClaimAsync, 200 rows) is timed and explained, then the node
/// relays the first rows of the backlog while its peak RSS is watched.
/// </summary>
internal static class BacklogBenchmark
{
    private const int ClaimSize = 200;
    private const int ClaimRepeats = 15;
    private const int LoadChunk = 50_000;

    public static async Task<BacklogResult> RunAsync(BenchContext context, int backlog)
    {
        var settings = context.Settings;
        var ct = context.Cancellation;
        var name = $"backlog_{backlog}";
        var database = await BenchDatabase.CreateAsync(
            RelayDatabaseProvider.PostgreSql, name, context.Postgres, context.WorkDir, ct);
        var run = context.Sink.Track($"bl{backlog}", settings.BacklogRelayed);

        BenchContext.Progress($"backlog {backlog:N0}: loading rows (binary COPY, {LoadChunk:N0} per transaction)");
        var load = Stopwatch.StartNew();
        var firstDue = BenchContext.NowMillis() - (long)TimeSpan.FromDays(1).TotalMilliseconds;
        for (var offset = 0; offset < backlog; offset += LoadChunk)
        {
            var count = Math.Min(LoadChunk, backlog - offset);
            await database.InsertAsync(Rows(run, offset, count, firstDue), ct);
        }

        load.Stop();
        await database.ExecuteAsync("ANALYZE relay_email", ct);
        var tableSize = await ScalarAsync(database, "SELECT pg_size_pretty(pg_total_relation_size('relay_email'))", ct);

        var store = new QueueStore(database.Relay);
        var claimSql = (string)typeof(QueueStore)
            .GetField("_claimSql", BindingFlags.NonPublic | BindingFlags.Instance)!
            .GetValue(store)!;
        const string probe = "bench-probe";
        var lease = TimeSpan.FromMinutes(5);

        // Nothing due: every row is scheduled after "now". This is the poll an idle node makes.
        var beforeAll = DateTimeOffset.FromUnixTimeMilliseconds(firstDue - 1);
        await store.ClaimAsync(probe, ClaimSize, beforeAll, lease, ct);
        var idleClaims = new List<double>();
        for (var i = 0; i < ClaimRepeats; i++)
        {
            var watch = Stopwatch.StartNew();
            var claimed = await store.ClaimAsync(probe, ClaimSize, beforeAll, lease, ct);
            idleClaims.Add(watch.Elapsed.TotalMilliseconds);
            if (claimed.Count != 0)
            {
                throw new InvalidOperationException("an empty claim returned rows");
            }
        }

        var idlePlan = await ExplainAsync(database, claimSql, beforeAll, ct);

        // Everything due: each claim takes the next 200 rows, as a busy node does.
        var now = DateTimeOffset.UtcNow;
        var busyPlan = await ExplainAsync(database, claimSql, now, ct);
        await store.ClaimAsync(probe, ClaimSize, now, lease, ct);
        var busyClaims = new List<double>();
        for (var i = 0; i < ClaimRepeats; i++)
        {
            var watch = Stopwatch.StartNew();
            var claimed = await store.ClaimAsync(probe, ClaimSize, now, lease, ct);
            busyClaims.Add(watch.Elapsed.TotalMilliseconds);
            if (claimed.Count != ClaimSize)
            {
                throw new InvalidOperationException($"a claim returned {claimed.Count} rows, not {ClaimSize}");
            }
        }

        await store.ReleaseAllAsync(probe, DateTimeOffset.UtcNow, ct);

        BenchContext.Progress($"backlog {backlog:N0}: node relays {settings.BacklogRelayed:N0} of them");
        long peakRss;
        RssSplit peakSplit;
        {
            await using var node = NodeProcess.Start(
                context.NodeDll, database, context.Sink, settings.Connections, context.WorkDir,
                $"backlog-{backlog}", context.NodeEnvironment);
            await run.WaitCompleteAsync(TimeSpan.FromMinutes(10), ct);
            peakRss = node.PeakRssBytes;
            peakSplit = node.PeakRssSplit;
        }

        var relaySeconds = (run.LastMicros - run.FirstMicros) / 1e6;
        await context.Postgres.DropDatabaseAsync(name, ct);
        busyClaims.Sort();
        idleClaims.Sort();
        return new BacklogResult(
            backlog,
            load.Elapsed.TotalSeconds,
            tableSize,
            LatencyBenchmark.Percentile(busyClaims, 0.5),
            LatencyBenchmark.Percentile(idleClaims, 0.5),
            busyPlan,
            idlePlan,
            peakRss,
            peakSplit,
            settings.BacklogRelayed,
            (settings.BacklogRelayed - 1) / relaySeconds);
    }

    private static IEnumerable<EmailRow> Rows(SinkRun run, int offset, int count, long firstDue)
    {
        var now = BenchContext.NowMillis();
        for (var i = offset; i < offset + count; i++)
        {
            yield return BenchMail.Row(run.Marker(i), firstDue + i, now);
        }
    }

    /// <summary>EXPLAIN (ANALYZE, BUFFERS) of the node's claim statement, rolled back.</summary>
    private static async Task<string> ExplainAsync(
        BenchDatabase database,
        string claimSql,
        DateTimeOffset now,
        CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using var command = new NpgsqlCommand("EXPLAIN (ANALYZE, BUFFERS) " + claimSql, connection, transaction);
        var nowMs = now.ToUnixTimeMilliseconds();
        command.Parameters.AddWithValue("owner", "bench-explain");
        command.Parameters.AddWithValue("leaseUntil", nowMs + 300_000L);
        command.Parameters.AddWithValue("now", nowMs);
        command.Parameters.AddWithValue("limit", ClaimSize);
        var plan = new StringBuilder();
        await using (var reader = await command.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                plan.AppendLine(reader.GetString(0));
            }
        }

        await transaction.RollbackAsync(ct);
        return plan.ToString().TrimEnd();
    }

    private static async Task<string> ScalarAsync(BenchDatabase database, string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        return (string)(await command.ExecuteScalarAsync(ct))!;
    }
}

/// <param name="ClaimMs">Median time of one 200-row claim with every row due (busy node), commit included.</param>
/// <param name="IdleClaimMs">Median time of one claim that finds nothing due (idle poll over scheduled rows).</param>
internal sealed record BacklogResult(
    int Backlog,
    double LoadSeconds,
    string TableSize,
    double ClaimMs,
    double IdleClaimMs,
    string ClaimPlan,
    string IdleClaimPlan,
    long PeakRssBytes,
    RssSplit PeakRssSplit,
    int Relayed,
    double RelayRate)
{
    public PlanCost Claim => PlanCost.Parse(ClaimPlan);

    public PlanCost IdleClaim => PlanCost.Parse(IdleClaimPlan);
}

/// <summary>
/// What EXPLAIN ANALYZE says one claim cost inside the server, without the commit: its execution time
/// and the buffers it touched (the steadiest measure on a shared machine).
/// </summary>
internal sealed record PlanCost(double ExecutionMs, long Buffers)
{
    public static PlanCost Parse(string plan)
    {
        var lines = plan.Split('\n');
        var buffers = lines.FirstOrDefault(l => l.TrimStart().StartsWith("Buffers:", StringComparison.Ordinal)) ?? "";
        var total = System.Text.RegularExpressions.Regex.Matches(buffers, @"(hit|read)=(\d+)")
            .Sum(m => long.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
        var execution = lines.FirstOrDefault(l => l.StartsWith("Execution Time:", StringComparison.Ordinal));
        var ms = execution is null
            ? double.NaN
            : double.Parse(execution["Execution Time:".Length..].Replace("ms", "", StringComparison.Ordinal).Trim(),
                System.Globalization.CultureInfo.InvariantCulture);
        return new PlanCost(ms, total);
    }

    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{ExecutionMs:0.0} ms, {Buffers:N0} buffers");
}
