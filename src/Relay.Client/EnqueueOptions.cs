using Relay.Shared.Queue;

namespace Relay.Client;

/// <summary>How one message is queued.</summary>
public sealed record EnqueueOptions
{
    /// <summary>
    /// Delivery priority: higher priorities are sent first. Default: <see cref="EmailPriority.Normal"/>.
    /// </summary>
    public EmailPriority Priority { get; init; } = EmailPriority.Normal;

    /// <summary>Scheduled send: no delivery attempt before this time. Default: null (as soon as possible).</summary>
    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>
    /// After this time the email is failed instead of sent. Must not be before
    /// <see cref="NotBefore"/>. Default: null (never expires).
    /// </summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>
    /// A key unique per source application: enqueuing the same key again stores nothing and
    /// returns the first email's id. Default: null (no de-duplication).
    /// </summary>
    public string? IdempotencyKey { get; init; }
}
