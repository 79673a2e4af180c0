using Relay.Node.Data;
using Relay.Node.Options;
using Relay.Shared.Queue;

namespace Relay.Node.Delivery;

/// <summary>
/// Turns a decision into the row's next state: applies the retry limits (attempts, age, expiry)
/// and the exponential backoff with jitter. Pure, given the time and a random number.
/// </summary>
internal sealed class RetryPolicy
{
    private readonly DeliveryOptions _options;

    public RetryPolicy(DeliveryOptions options)
    {
        _options = options;
    }

    public EmailOutcome Apply(ClaimedEmail email, DeliveryDecision decision, DateTimeOffset now, double random)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        var attempt = email.Attempts + 1;
        switch (decision)
        {
            case DeliveryDecision.Delivered delivered:
                return new EmailOutcome(
                    email.Id,
                    EmailStatus.Sent,
                    CountsAsAttempt: true,
                    NextAttemptAt: null,
                    LastError: delivered.Rejected.Count == 0 ? null : RejectedSummary(delivered.Rejected),
                    PendingRecipients: null,
                    RejectedRecipients: RejectedRecipientList.Append(email.RejectedRecipients, delivered.Rejected),
                    SentAt: nowMs,
                    delivered.Rejected.Count == 0 ? AttemptOutcome.Delivered : AttemptOutcome.PartiallyDelivered,
                    SmtpCode: 250,
                    Detail: delivered.Rejected.Count == 0 ? "accepted" : RejectedSummary(delivered.Rejected));

            case DeliveryDecision.Fail fail:
                return Failed(email, nowMs, fail.SmtpCode, fail.Reason, fail.Rejected, AttemptOutcome.Failed);

            case DeliveryDecision.RetryLater retry:
                var giveUp = GiveUpReason(email, attempt, nowMs);
                if (giveUp is not null)
                {
                    return Failed(
                        email,
                        nowMs,
                        retry.SmtpCode,
                        $"{giveUp}; last error: {retry.Reason}",
                        retry.Rejected,
                        retry.PossiblyDelivered ? AttemptOutcome.PossiblyDelivered : AttemptOutcome.Failed);
                }

                var outcome = retry.PossiblyDelivered ? AttemptOutcome.PossiblyDelivered
                    : retry.PartiallyDelivered ? AttemptOutcome.PartiallyDelivered
                    : AttemptOutcome.Deferred;
                return new EmailOutcome(
                    email.Id,
                    EmailStatus.Deferred,
                    CountsAsAttempt: true,
                    NextAttemptAt: nowMs + (long)RetryDelay(attempt, random).TotalMilliseconds,
                    LastError: retry.Reason,
                    PendingRecipients: retry.PartiallyDelivered || retry.Rejected.Count > 0
                        ? RecipientList.Join(retry.Remaining)
                        : null,
                    RejectedRecipients: RejectedRecipientList.Append(email.RejectedRecipients, retry.Rejected),
                    SentAt: null,
                    outcome,
                    retry.SmtpCode,
                    retry.Reason);

            case DeliveryDecision.ConnectionFailed connection:
                return Requeue(email, connection.Reason);

            default:
                throw new ArgumentOutOfRangeException(nameof(decision), decision, "No outcome for this decision.");
        }
    }

    /// <summary>An email that expired before it could be sent: failed without an attempt on the wire.</summary>
    public static EmailOutcome Expired(ClaimedEmail email, DateTimeOffset now) =>
        Failed(
            email,
            now.ToUnixTimeMilliseconds(),
            smtpCode: null,
            "expired before it could be delivered",
            [],
            AttemptOutcome.Failed) with
        { CountsAsAttempt = false };

    /// <summary>Back to the queue untouched: no attempt used (connection trouble, shutdown, restart).</summary>
    public static EmailOutcome Requeue(ClaimedEmail email, string reason) =>
        new(
            email.Id,
            EmailStatus.Queued,
            CountsAsAttempt: false,
            NextAttemptAt: null,
            LastError: reason,
            PendingRecipients: null,
            RejectedRecipients: email.RejectedRecipients,
            SentAt: null,
            Attempt: null,
            SmtpCode: null,
            Detail: null);

    public TimeSpan RetryDelay(int attempt, double random) =>
        SendBackoff.Delay(attempt, _options.MinRetryDelay, _options.MaxRetryDelay, _options.RetryRandomFactor, random);

    private string? GiveUpReason(ClaimedEmail email, int attempt, long nowMs)
    {
        if (email.ExpiresAt is { } expires && expires <= nowMs)
        {
            return "expired";
        }

        if (attempt >= _options.MaxAttempts)
        {
            return $"gave up after {attempt} attempts (Relay:Delivery:MaxAttempts)";
        }

        return nowMs - email.CreatedAt >= (long)_options.MaxAge.TotalMilliseconds
            ? $"gave up after {TimeSpan.FromMilliseconds(nowMs - email.CreatedAt):g} in the queue "
                + "(Relay:Delivery:MaxAge)"
            : null;
    }

    private static EmailOutcome Failed(
        ClaimedEmail email,
        long nowMs,
        int? smtpCode,
        string reason,
        IReadOnlyList<RejectedRecipient> rejected,
        AttemptOutcome attempt) =>
        new(
            email.Id,
            EmailStatus.Failed,
            CountsAsAttempt: true,
            NextAttemptAt: null,
            LastError: reason,
            PendingRecipients: null,
            RejectedRecipients: RejectedRecipientList.Append(email.RejectedRecipients, rejected),
            SentAt: null,
            attempt,
            smtpCode,
            reason);

    private static string RejectedSummary(IReadOnlyList<RejectedRecipient> rejected) =>
        $"{rejected.Count} recipient(s) refused permanently: "
        + string.Join("; ", rejected.Select(r => $"{r.Address}: {r.SmtpCode} {r.Reply}"));
}
