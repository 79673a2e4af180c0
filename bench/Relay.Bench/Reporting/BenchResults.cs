using Relay.Bench.Scenarios;

namespace Relay.Bench.Reporting;

/// <summary>Everything one run measured, plus the sections that failed and why.</summary>
internal sealed class BenchResults
{
    public List<LimitResult> Limits { get; } = [];

    public List<RelayResult> Relays { get; } = [];

    public List<EnqueueResult> Enqueues { get; } = [];

    public List<LatencyResult> Latencies { get; } = [];

    public List<BacklogResult> Backlogs { get; } = [];

    public List<string> Failures { get; } = [];

    /// <summary>The ceiling used for ratios: the mean of the limit runs around the relay runs.</summary>
    public double? LimitRate => Limits.Count == 0 ? null : Limits.Average(l => l.Rate);
}
