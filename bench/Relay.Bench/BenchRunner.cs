using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using Microsoft.Data.Sqlite;
using Relay.Bench.Infrastructure;
using Relay.Bench.Reporting;
using Relay.Bench.Scenarios;
using Relay.Shared.Queue;

namespace Relay.Bench;

/// <summary>Starts the servers, runs the chosen sections in order, prints and writes the results.</summary>
internal static class BenchRunner
{
    public static async Task<int> RunAsync(BenchSettings settings, CancellationToken ct)
    {
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var machine = MachineInfo.Read();
        var root = FindRepositoryRoot();
        var configuration = typeof(BenchRunner).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "Configuration")?.Value ?? "Release";
        if (configuration != "Release")
        {
            BenchContext.Progress($"warning: a {configuration} build; figures only count from `dotnet run -c Release`");
        }

        var nodeDll = settings.NodeDll is { } otherNode
            ? Path.GetFullPath(otherNode)
            : Path.Combine(root, "src", "Relay.Node", "bin", configuration, "net10.0", "Relay.Node.dll");
        var sinkDll = Path.Combine(
            root,
            "tools",
            "Relay.SmtpSink",
            "bin",
            configuration,
            "net10.0",
            "Relay.SmtpSink.dll");
        foreach (var dll in new[] { nodeDll, sinkDll })
        {
            if (!File.Exists(dll))
            {
                throw new FileNotFoundException($"{dll} is missing; run through `dotnet run -c Release --project "
                    + "bench/Relay.Bench`, which builds it.");
            }
        }

        var imageEnvironment = ImageEnvironment(Path.Combine(root, "src", "Relay.Node", "Dockerfile"));
        var nodeEnvironment = new Dictionary<string, string>(imageEnvironment);
        foreach (var (key, value) in settings.NodeSettings)
        {
            nodeEnvironment[key] = value;
        }

        var workDir = Path.Combine(Path.GetTempPath(), $"relay-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(workDir);
        BenchContext.Progress($"starting PostgreSQL and the sink (work directory {workDir})");
        await using var postgres = BenchPostgres.Start();
        var postgresVersion = await postgres.QueryScalarAsync("SHOW server_version", ct);
        var durability = $"fsync={await postgres.QueryScalarAsync("SHOW fsync", ct)}, synchronous_commit="
            + $"{await postgres.QueryScalarAsync("SHOW synchronous_commit", ct)}, shared_buffers="
            + await postgres.QueryScalarAsync("SHOW shared_buffers", ct);
        await using var sink = await SinkProcess.StartAsync(sinkDll, ct);
        var context = new BenchContext
        {
            Settings = settings,
            Postgres = postgres,
            Sink = sink,
            NodeDll = nodeDll,
            NodeEnvironment = nodeEnvironment,
            WorkDir = workDir,
            Cancellation = ct,
        };

        var results = new BenchResults();
        var k = settings.Connections;
        await Section(results, "limit", settings, () =>
            Add(results.Limits, LimitBenchmark.RunAsync(context, k, $"limit{k}a")));
        await Section(results, "relay", settings, () =>
            Add(results.Relays, RelayBenchmark.RunAsync(context, RelayDatabaseProvider.PostgreSql, k)));
        await Section(results, "relay", settings, () =>
            Add(results.Relays, RelayBenchmark.RunAsync(context, RelayDatabaseProvider.Sqlite, k)));
        await Section(results, "limit", settings, () =>
            Add(results.Limits, LimitBenchmark.RunAsync(context, k, $"limit{k}b")));
        await Section(results, "enqueue", settings, async () =>
            results.Enqueues.AddRange(await EnqueueBenchmark.RunAsync(context, RelayDatabaseProvider.PostgreSql)));
        await Section(results, "enqueue", settings, async () =>
            results.Enqueues.AddRange(await EnqueueBenchmark.RunAsync(context, RelayDatabaseProvider.Sqlite)));
        await Section(results, "latency", settings, () =>
            Add(results.Latencies, LatencyBenchmark.RunAsync(context, RelayDatabaseProvider.PostgreSql)));
        await Section(results, "latency", settings, () =>
            Add(results.Latencies, LatencyBenchmark.RunAsync(context, RelayDatabaseProvider.Sqlite)));
        foreach (var backlog in new[] { settings.SmallBacklog, settings.Backlog }.Distinct())
        {
            await Section(results, "memory", settings, () =>
                Add(results.Backlogs, BacklogBenchmark.RunAsync(context, backlog)));
        }

        clock.Stop();
        var table = MarkdownReport.Table(results, settings);
        var targets = MarkdownReport.TargetTable(results);
        Console.WriteLine(table);
        Console.WriteLine(targets);
        foreach (var failure in results.Failures)
        {
            Console.WriteLine($"- FAILED: {failure}");
        }

        if (settings.ResultsFile is { } resultsFile)
        {
            var sqliteVersion = SqliteVersion();
            var report = new StringBuilder();
            report.AppendLine(CultureInfo.InvariantCulture, $"## Run of {started:yyyy-MM-dd HH:mm} UTC");
            report.AppendLine();
            report.AppendLine(
                CultureInfo.InvariantCulture,
                $"- Command: `{settings.CommandLine}` (took {clock.Elapsed:m\\:ss})");
            report.AppendLine(
                CultureInfo.InvariantCulture,
                $"- Machine: {machine.Cores} cores ({machine.Cpu}), {machine.Memory}, "
                + $"{machine.Os}, Linux {machine.Kernel}");
            report.AppendLine(
                CultureInfo.InvariantCulture,
                $"- .NET: {machine.Runtime}, SDK {machine.Sdk}; {configuration} build");
            report.AppendLine(
                CultureInfo.InvariantCulture,
                $"- PostgreSQL {postgresVersion}, {postgres.Origin}: {durability}");
            report.AppendLine(
                CultureInfo.InvariantCulture,
                $"- SQLite {sqliteVersion} (Microsoft.Data.Sqlite), WAL, file in {Path.GetTempPath()}");
            var processes = "- Sink: tools/Relay.SmtpSink (SmtpServer, Nagle off) as its own process; "
                + "node: src/Relay.Node "
                + $"as its own process with the image's environment{ImageEnvironmentText(imageEnvironment)}, "
                + $"K = {k} senders{NodeSettingsText(settings)}"
                + (settings.NodeDll is null ? "" : $"; node binary {nodeDll} (not the repository's build)");
            report.AppendLine(processes);
            report.AppendLine(
                CultureInfo.InvariantCulture,
                $"- Load average (1/5/15 min) at start {machine.LoadAverage}, "
                + $"at end {MachineInfo.LoadNow()} — a shared machine");
            report.AppendLine(CultureInfo.InvariantCulture,
                $"- Message: {BenchMail.ApproximateSize:N0} bytes of MIME, one recipient");
            report.AppendLine();
            report.AppendLine(table);
            report.AppendLine("### Targets");
            report.AppendLine();
            report.AppendLine(targets);
            foreach (var failure in results.Failures)
            {
                report.AppendLine(CultureInfo.InvariantCulture, $"- FAILED: {failure}");
            }

            if (results.Backlogs.Count > 0)
            {
                report.AppendLine("### The node's claim statement, EXPLAIN (ANALYZE, BUFFERS)");
                report.AppendLine();
                report.AppendLine(MarkdownReport.Plans(results));
            }

            ResultsFile.Write(resultsFile, report.ToString());
            BenchContext.Progress($"wrote {resultsFile}");
        }

        if (results.Failures.Count == 0)
        {
            Directory.Delete(workDir, recursive: true);
        }
        else
        {
            BenchContext.Progress($"kept {workDir} (node logs) for the failures above");
        }

        return results.Failures.Count == 0 ? 0 : 1;
    }

    private static async Task Section(BenchResults results, string section, BenchSettings settings, Func<Task> run)
    {
        if (!settings.Runs(section))
        {
            return;
        }

        try
        {
            await run();
        }
        catch (Exception error) when (error is not OperationCanceledException)
        {
            BenchContext.Progress($"{section} failed: {error}");
            results.Failures.Add($"{section}: {error.GetType().Name}: {error.Message}");
        }
    }

    private static async Task Add<T>(List<T> list, Task<T> result)
    {
        var value = await result;
        list.Add(value);
        BenchContext.Progress(value?.ToString() ?? "");
    }

    /// <summary>The environment the container image gives the node: its Dockerfile's `ENV KEY=VALUE` lines.</summary>
    private static Dictionary<string, string> ImageEnvironment(string dockerfile)
    {
        var environment = new Dictionary<string, string>();
        foreach (var line in File.ReadLines(dockerfile))
        {
            var parts = line.Trim().Split(' ', 2, StringSplitOptions.TrimEntries);
            if (parts is ["ENV", var assignment] && assignment.Split('=', 2) is [var key, var value])
            {
                environment[key] = value;
            }
        }

        return environment;
    }

    private static string ImageEnvironmentText(IReadOnlyDictionary<string, string> environment) =>
        environment.Count == 0 ? "" : " (" + string.Join(", ", environment.Select(e => $"`{e.Key}={e.Value}`")) + ")";

    private static string NodeSettingsText(BenchSettings settings) =>
        settings.NodeSettings.Count == 0
            ? ", every other node setting at its default"
            : "; overrides: " + string.Join(", ", settings.NodeSettings.Select(s => $"`{s.Key}={s.Value}`"));

    private static string SqliteVersion()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT sqlite_version()";
        return (string)command.ExecuteScalar()!;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EmailRelay.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Run the benchmark from the repository (EmailRelay.sln not found above "
            + AppContext.BaseDirectory + ").");
    }
}
