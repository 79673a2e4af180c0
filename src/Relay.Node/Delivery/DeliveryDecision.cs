using Relay.Shared.Queue;

namespace Relay.Node.Delivery;

/// <summary>What to do with an email after one attempt, before retry limits are applied.</summary>
internal abstract record DeliveryDecision
{
    /// <summary>Accepted; <paramref name="Rejected"/> were refused permanently and will never get it.</summary>
    public sealed record Delivered(IReadOnlyList<RejectedRecipient> Rejected) : DeliveryDecision;

    /// <summary>
    /// Try again later for <paramref name="Remaining"/> only (the others were delivered or refused
    /// for good). The attempt counts.
    /// </summary>
    public sealed record RetryLater(
        int? SmtpCode,
        string Reason,
        IReadOnlyList<string> Remaining,
        IReadOnlyList<RejectedRecipient> Rejected,
        bool PartiallyDelivered,
        bool PossiblyDelivered) : DeliveryDecision;

    /// <summary>Refused for good.</summary>
    public sealed record Fail(int? SmtpCode, string Reason, IReadOnlyList<RejectedRecipient> Rejected)
        : DeliveryDecision;

    /// <summary>
    /// The connection failed before the message could be sent: back to the queue without using an
    /// attempt, and the sender's connection backs off.
    /// </summary>
    public sealed record ConnectionFailed(string Reason) : DeliveryDecision;

    /// <summary>Not a delivery failure the relay understands: a bug. The sender crashes and restarts.</summary>
    public sealed record Unclassified : DeliveryDecision
    {
        public static readonly Unclassified Instance = new();
    }
}
