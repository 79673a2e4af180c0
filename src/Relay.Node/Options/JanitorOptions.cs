using System.ComponentModel.DataAnnotations;

namespace Relay.Node.Options;

/// <summary>
/// How long finished emails are kept. A retention of 0 prunes at once; the Keep…Forever switches
/// keep them.
/// </summary>
public sealed class JanitorOptions
{
    public const string SectionName = "Relay:Janitor";

    /// <summary>Keep sent emails this long; 0 prunes them at once. Default: 7 days.</summary>
    public TimeSpan RetainSentFor { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Keep failed and cancelled emails this long; 0 prunes them at once. Default: 30 days.</summary>
    public TimeSpan RetainFailedFor { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Never prune sent emails (RetainSentFor is then ignored). Default: false.</summary>
    public bool KeepSentForever { get; set; }

    /// <summary>Never prune failed and cancelled emails (RetainFailedFor is then ignored). Default: false.</summary>
    public bool KeepFailedForever { get; set; }

    /// <summary>Pause between prune runs. Default: 1 minute.</summary>
    public TimeSpan PruneInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Rows deleted per statement, so no prune holds long locks. Default: 1000.</summary>
    [Range(1, 100000,
        ErrorMessage = "Relay:Janitor:BatchSize (Relay__Janitor__BatchSize) must be between {1} and {2}.")]
    public int BatchSize { get; set; } = 1000;
}
