namespace Relay.Shared.Queue;

/// <summary>Delivery priority: higher priorities are claimed first. Stored as a small integer.</summary>
public enum EmailPriority : short
{
    /// <summary>Bulk mail that may wait behind everything else.</summary>
    Low = 0,

    /// <summary>The default.</summary>
    Normal = 1,

    /// <summary>Mail a person is waiting for (password resets, sign-in codes).</summary>
    High = 2,
}
