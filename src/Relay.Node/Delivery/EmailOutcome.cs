using Relay.Shared.Queue;

namespace Relay.Node.Delivery;

/// <summary>The next state of one row after an attempt (or after a release), as the writer stores it.</summary>
internal sealed record EmailOutcome(
    Guid EmailId,
    EmailStatus Status,
    bool CountsAsAttempt,
    long? NextAttemptAt,
    string? LastError,
    string? PendingRecipients,
    string? RejectedRecipients,
    long? SentAt,
    AttemptOutcome? Attempt,
    int? SmtpCode,
    string? Detail)
{
    /// <summary>A plain success: stored with one statement for the whole batch.</summary>
    public bool IsPlainSent => Status == EmailStatus.Sent && Attempt == AttemptOutcome.Delivered;

    /// <summary>Back to the queue with nothing else changed.</summary>
    public bool IsRequeue => Status == EmailStatus.Queued && !CountsAsAttempt;
}
