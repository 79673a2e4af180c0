namespace Relay.Bench;

/// <summary>What one run measures, from the command line.</summary>
internal sealed record BenchSettings(
    int Messages,
    int Connections,
    bool Quick,
    int Backlog,
    int LatencySamples,
    TimeSpan EnqueueDuration,
    int BatchSize,
    IReadOnlySet<string> Sections,
    string? ResultsFile,
    IReadOnlyDictionary<string, string> NodeSettings,
    string? NodeDll,
    string CommandLine)
{
    public static readonly string[] AllSections = ["limit", "relay", "enqueue", "latency", "memory"];

    /// <summary>Messages used to warm up JIT, pools and connections before a timed run; never counted.</summary>
    public int WarmUp => Quick ? 200 : 1000;

    /// <summary>The smaller backlog of the memory comparison; the larger one is <see cref="Backlog"/>.</summary>
    public int SmallBacklog => 10_000;

    /// <summary>Messages relayed out of each backlog while the node's memory is watched.</summary>
    public int BacklogRelayed => Quick ? 2_000 : 10_000;

    public bool Runs(string section) => Sections.Contains(section);
}
