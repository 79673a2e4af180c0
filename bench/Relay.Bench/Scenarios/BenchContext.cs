using System.Diagnostics;
using Relay.Bench.Infrastructure;

namespace Relay.Bench.Scenarios;

/// <summary>What every scenario shares: settings, the servers, paths and progress output.</summary>
internal sealed class BenchContext
{
    public required BenchSettings Settings { get; init; }

    public required BenchPostgres Postgres { get; init; }

    public required SinkProcess Sink { get; init; }

    public required string NodeDll { get; init; }

    /// <summary>
    /// The node's extra environment: the container image's (src/Relay.Node/Dockerfile), so the node is
    /// measured as shipped, then the --node-setting overrides.
    /// </summary>
    public required IReadOnlyDictionary<string, string> NodeEnvironment { get; init; }

    public required string WorkDir { get; init; }

    public required CancellationToken Cancellation { get; init; }

    /// <summary>Starts counting CPU of the harness, the sink, PostgreSQL and (when given) the node.</summary>
    public CpuMeter MeasureCpu(NodeProcess? node = null)
    {
        var sources = new List<(string, Func<double>)>();
        if (node is not null)
        {
            var nodePid = node.ProcessId;
            sources.Add(("node", () => CpuMeter.Process(nodePid)));
        }

        var sinkPid = Sink.ProcessId;
        sources.Add(("sink", () => CpuMeter.Process(sinkPid)));
        if (Postgres.PostmasterPid is { } postmaster)
        {
            sources.Add(("postgres", () => CpuMeter.ProcessTree(postmaster)));
        }

        var self = Environment.ProcessId;
        sources.Add(("harness", () => CpuMeter.Process(self)));
        return CpuMeter.Start([.. sources]);
    }

    private static readonly Stopwatch Clock = Stopwatch.StartNew();

    /// <summary>Progress goes to stderr; stdout carries only the results table.</summary>
    public static void Progress(string line) =>
        Console.Error.WriteLine($"[{Clock.Elapsed:mm\\:ss}] {line}");

    public static long NowMicros() =>
        (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;

    public static long NowMillis() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}
