using System.ComponentModel.DataAnnotations;

namespace Relay.Node.Options;

/// <summary>How the node claims due emails from the queue.</summary>
public sealed class PollerOptions
{
    public const string SectionName = "Relay:Poller";

    /// <summary>
    /// Pause between polls while the queue is idle. On PostgreSQL a queued email wakes the node at
    /// once; this interval only picks up retries and scheduled emails. Default: 1 second.
    /// </summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Most rows one claim takes. Default: 200.</summary>
    [Range(1, 10000,
        ErrorMessage = "Relay:Poller:MaxBatchSize (Relay__Poller__MaxBatchSize) must be between {1} and {2}.")]
    public int MaxBatchSize { get; set; } = 200;

    /// <summary>How long a claim holds a row before another node may take it. Default: 5 minutes.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often rows with a lapsed lease (a crashed node) return to the queue. Default: 30 seconds.</summary>
    public TimeSpan LeaseCheckInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Listen for PostgreSQL notifications to wake at once. Default: true.</summary>
    public bool UseNotifications { get; set; } = true;
}
