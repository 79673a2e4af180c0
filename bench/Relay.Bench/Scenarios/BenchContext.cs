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

    public required string WorkDir { get; init; }

    public required CancellationToken Cancellation { get; init; }

    private static readonly Stopwatch Clock = Stopwatch.StartNew();

    /// <summary>Progress goes to stderr; stdout carries only the results table.</summary>
    public static void Progress(string line) =>
        Console.Error.WriteLine($"[{Clock.Elapsed:mm\\:ss}] {line}");

    public static long NowMicros() => (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;

    public static long NowMillis() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
}
