using Relay.Shared.Queue;

namespace Relay.Node.Data;

/// <summary>
/// A row this node has leased, with what a sender needs to deliver it. It carries the MIME so
/// that a claim costs one round trip for the whole batch rather than one more per email.
/// </summary>
/// <param name="LeaseExpiresAt">Unix ms at which the lease lapses and another claim may take the row.</param>
internal sealed record ClaimedEmail(
    Guid Id,
    int Attempts,
    string EnvelopeFrom,
    IReadOnlyList<string> Recipients,
    byte[] Mime,
    long CreatedAt,
    long? ExpiresAt,
    string? RejectedRecipients,
    EmailPriority Priority = EmailPriority.Normal,
    long LeaseExpiresAt = long.MaxValue);
