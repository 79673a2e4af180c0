using Akka.Event;
using Relay.Node.Data;

namespace Relay.Node.Actors.Sending;

/// <summary>Emails the poller leased for this sender, in claim order.</summary>
internal sealed record DeliverEmails(IReadOnlyList<ClaimedEmail> Emails);

/// <summary>
/// Graceful stop: finish the email in flight, hand the queued ones back, close the connection and
/// answer <see cref="SenderDrained"/>.
/// </summary>
internal sealed class DrainSender
{
    public static readonly DrainSender Instance = new();
}

internal sealed record SenderDrained(int Released);

internal sealed class GetSenderStatus
{
    public static readonly GetSenderStatus Instance = new();
}

internal sealed record SenderStatus(bool Connected, bool BackingOff, int Queued, int ConnectionFailures, long Sent);

/// <summary>The sender's connection state, published on the event stream for health checks.</summary>
internal sealed record SenderConnectionChanged(string Sender, bool Connected);

internal sealed class SendNext : IDeadLetterSuppression
{
    public static readonly SendNext Instance = new();
}

internal sealed class Connect : IDeadLetterSuppression
{
    public static readonly Connect Instance = new();
}
