namespace Relay.Shared.Queue;

/// <summary>Where a queued email is in its life. Stored as a small integer; never renumber.</summary>
public enum EmailStatus : short
{
    /// <summary>Waiting for its first attempt (or for its not-before time).</summary>
    Queued = 0,

    /// <summary>Claimed by a node, which holds a lease on it while it delivers.</summary>
    Sending = 1,

    /// <summary>A temporary failure happened; the next attempt is scheduled.</summary>
    Deferred = 2,

    /// <summary>The SMTP server accepted it (possibly for only some recipients).</summary>
    Sent = 3,

    /// <summary>Permanently rejected, expired, or out of attempts; the last error says why.</summary>
    Failed = 4,

    /// <summary>Cancelled by the application before it was sent.</summary>
    Cancelled = 5,
}
