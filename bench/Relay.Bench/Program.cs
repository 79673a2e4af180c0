using System.CommandLine;
using Relay.Bench;

var messages = new Option<int?>("--messages", "-n")
{
    Description = "Messages per throughput run (limit and relay). Default: 20,000; 2,000 with --quick.",
};
var connections = new Option<int>("--connections", "-k")
{
    Description = "K: SMTP connections of the limit run and senders of the node.",
    DefaultValueFactory = _ => 4,
};
var quick = new Option<bool>("--quick")
{
    Description = "A fast smoke run: fewer messages and samples, shorter enqueue runs, no large backlog.",
};
var backlog = new Option<int?>("--backlog")
{
    Description = "The large backlog of the memory section (compared with 10,000). Default: 1,000,000 "
        + "(about 2.5 GB in PostgreSQL, a minute or more of loading); 10,000 (none) with --quick.",
};
var samples = new Option<int?>("--latency-samples")
{
    Description = "Enqueue-to-acceptance samples per database. Default: 200; 50 with --quick.",
};
var enqueueSeconds = new Option<double?>("--enqueue-seconds")
{
    Description = "Length of each enqueue and bare-insert run. Default: 5; 2 with --quick.",
};
var batchSize = new Option<int>("--batch-size")
{
    Description = "Messages per EnqueueManyAsync call (and per bare batch).",
    DefaultValueFactory = _ => 500,
};
var only = new Option<string[]>("--only")
{
    Description = "Run only these sections: limit, relay, enqueue, latency, memory.",
    AllowMultipleArgumentsPerToken = true,
};
var results = new Option<string?>("--results")
{
    Description = "Markdown file the results are written to (generated block replaced, the rest kept). "
        + "Default: bench/RESULTS.md; 'none' writes nothing.",
};
var nodeSettings = new Option<string[]>("--node-setting")
{
    Description = "Extra environment for the node, KEY=VALUE (for example Relay__Smtp__SenderCapacity=32); repeatable.",
};

var nodeDll = new Option<string?>("--node-dll")
{
    Description = "Run this Relay.Node.dll instead of the repository's Release build (to compare a patched node).",
};

var root = new RootCommand("EmailRelay benchmark: limit, relay throughput, enqueue, latency and memory, side by side.")
{
    messages, connections, quick, backlog, samples, enqueueSeconds, batchSize, only, results, nodeSettings, nodeDll,
};
root.SetAction(async (parse, ct) =>
{
    var isQuick = parse.GetValue(quick);
    var sections = parse.GetValue(only) is { Length: > 0 } chosen
        ? chosen.SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries))
            .ToHashSet(StringComparer.OrdinalIgnoreCase)
        : BenchSettings.AllSections.ToHashSet(StringComparer.OrdinalIgnoreCase);
    var unknown = sections.Except(BenchSettings.AllSections, StringComparer.OrdinalIgnoreCase).ToList();
    if (unknown.Count > 0)
    {
        await Console.Error.WriteLineAsync($"--only: unknown section(s) {string.Join(", ", unknown)}; "
            + $"use {string.Join(", ", BenchSettings.AllSections)}");
        return 2;
    }

    var environment = new Dictionary<string, string>(StringComparer.Ordinal);
    foreach (var pair in parse.GetValue(nodeSettings) ?? [])
    {
        var equals = pair.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            await Console.Error.WriteLineAsync($"--node-setting {pair}: expected KEY=VALUE");
            return 2;
        }

        environment[pair[..equals]] = pair[(equals + 1)..];
    }

    var resultsFile = parse.GetValue(results) ?? Path.Combine(RepositoryRoot(), "bench", "RESULTS.md");
    var settings = new BenchSettings(
        Messages: parse.GetValue(messages) ?? (isQuick ? 2_000 : 20_000),
        Connections: parse.GetValue(connections),
        Quick: isQuick,
        Backlog: parse.GetValue(backlog) ?? (isQuick ? 10_000 : 1_000_000),
        LatencySamples: parse.GetValue(samples) ?? (isQuick ? 50 : 200),
        EnqueueDuration: TimeSpan.FromSeconds(parse.GetValue(enqueueSeconds) ?? (isQuick ? 2 : 5)),
        BatchSize: parse.GetValue(batchSize),
        Sections: sections,
        ResultsFile: resultsFile.Equals("none", StringComparison.OrdinalIgnoreCase) ? null : resultsFile,
        NodeSettings: environment,
        NodeDll: parse.GetValue(nodeDll),
        CommandLine: "dotnet run -c Release --project bench/Relay.Bench"
            + (args.Length == 0 ? "" : " -- " + string.Join(' ', args)));
    return await BenchRunner.RunAsync(settings, ct);
});

return await root.Parse(args).InvokeAsync();

static string RepositoryRoot()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "EmailRelay.sln")))
        {
            return dir.FullName;
        }
    }

    return Directory.GetCurrentDirectory();
}
