using Relay.Shared.Queue;

namespace Relay.Client;

/// <summary>What became of a queued email.</summary>
/// <param name="Id">The email's id.</param>
/// <param name="Status">Where it is in its life.</param>
/// <param name="Attempts">Delivery attempts made so far.</param>
/// <param name="NextAttemptAt">
/// The earliest next delivery attempt while it is queued or deferred; null once a node is sending it
/// or it is finished.
/// </param>
/// <param name="LastError">The last failure, with the SMTP server's reply where there was one.</param>
/// <param name="CreatedAt">When it was queued.</param>
/// <param name="SentAt">When the SMTP server accepted it; null until then.</param>
/// <param name="ExpiresAt">When it expires unsent; null for never.</param>
/// <param name="RejectedRecipients">Recipients the SMTP server refused permanently.</param>
/// <param name="Subject">Its subject.</param>
public sealed record EmailStatusReport(
    Guid Id,
    EmailStatus Status,
    int Attempts,
    DateTimeOffset? NextAttemptAt,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SentAt,
    DateTimeOffset? ExpiresAt,
    IReadOnlyList<RejectedRecipient> RejectedRecipients,
    string Subject);
