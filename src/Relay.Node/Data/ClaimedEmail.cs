namespace Relay.Node.Data;

/// <summary>
/// A row this node has leased, with what a sender needs to deliver it. It carries the MIME so
/// that a claim costs one round trip for the whole batch rather than one more per email.
/// </summary>
internal sealed record ClaimedEmail(
    Guid Id,
    int Attempts,
    string EnvelopeFrom,
    IReadOnlyList<string> Recipients,
    byte[] Mime,
    long CreatedAt,
    long? ExpiresAt,
    string? RejectedRecipients);
