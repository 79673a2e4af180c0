using System.ComponentModel.DataAnnotations;

namespace Relay.Node.Options;

/// <summary>When a temporarily failed email is tried again, and when the node gives up.</summary>
public sealed class DeliveryOptions
{
    public const string SectionName = "Relay:Delivery";

    /// <summary>Delay after the first temporary failure. Default: 1 minute.</summary>
    public TimeSpan MinRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Longest delay between attempts. Default: 1 hour.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Random spread added to each retry delay, 0 to 1. Default: 0.2.</summary>
    [Range(0.0, 1.0,
        ErrorMessage = "Relay:Delivery:RetryRandomFactor (Relay__Delivery__RetryRandomFactor) "
            + "must be between {1} and {2}.")]
    public double RetryRandomFactor { get; set; } = 0.2;

    /// <summary>Attempts after which a temporarily failing email fails for good. Default: 20.</summary>
    [Range(1, 10000,
        ErrorMessage = "Relay:Delivery:MaxAttempts (Relay__Delivery__MaxAttempts) must be between {1} and {2}.")]
    public int MaxAttempts { get; set; } = 20;

    /// <summary>Age after which a temporarily failing email fails for good. Default: 2 days.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(2);
}
