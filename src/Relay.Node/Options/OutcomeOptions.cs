using System.ComponentModel.DataAnnotations;

namespace Relay.Node.Options;

/// <summary>How delivery outcomes are written back: batched, so commits do not cap throughput.</summary>
public sealed class OutcomeOptions
{
    public const string SectionName = "Relay:Outcomes";

    /// <summary>Outcomes written in one transaction at most. Default: 500.</summary>
    [Range(1, 10000,
        ErrorMessage = "Relay:Outcomes:MaxBatchSize (Relay__Outcomes__MaxBatchSize) must be between {1} and {2}.")]
    public int MaxBatchSize { get; set; } = 500;

    /// <summary>Longest an outcome waits for its batch. Default: 50 milliseconds.</summary>
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Outcomes waiting to be stored at which the node stops claiming until they are written
    /// (claiming resumes under half of it). Default: 2000.
    /// </summary>
    [Range(1, 1000000,
        ErrorMessage = "Relay:Outcomes:MaxPending (Relay__Outcomes__MaxPending) must be between {1} and {2}.")]
    public int MaxPending { get; set; } = 2000;

    /// <summary>Delay before retrying a failed write. Default: 2 seconds.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);
}
