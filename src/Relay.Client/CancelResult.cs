namespace Relay.Client;

/// <summary>What <see cref="IRelayQueue.CancelAsync"/> did.</summary>
public enum CancelResult
{
    /// <summary>The email was queued or deferred and is now cancelled: it will not be sent.</summary>
    Cancelled = 0,

    /// <summary>No email has that id (or it was pruned).</summary>
    NotFound = 1,

    /// <summary>A node is delivering it right now; it may still be sent.</summary>
    AlreadySending = 2,

    /// <summary>It was already sent.</summary>
    AlreadySent = 3,

    /// <summary>It had already failed for good.</summary>
    AlreadyFailed = 4,

    /// <summary>It had already been cancelled.</summary>
    AlreadyCancelled = 5,
}
