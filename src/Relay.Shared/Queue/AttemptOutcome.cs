namespace Relay.Shared.Queue;

/// <summary>What one delivery attempt ended in. Stored as a small integer; never renumber.</summary>
public enum AttemptOutcome : short
{
    /// <summary>The server accepted the message for every recipient of this attempt.</summary>
    Delivered = 0,

    /// <summary>Accepted for some recipients; others were refused (see the attempt's text).</summary>
    PartiallyDelivered = 1,

    /// <summary>A temporary (4xx) failure; the email was deferred.</summary>
    Deferred = 2,

    /// <summary>A permanent failure (5xx, or out of attempts); the email failed.</summary>
    Failed = 3,

    /// <summary>The connection was lost after the message data was sent: it may have been delivered.</summary>
    PossiblyDelivered = 4,
}
