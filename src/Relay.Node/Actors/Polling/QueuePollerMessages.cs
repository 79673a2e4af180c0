using Akka.Event;
using Relay.Node.Data;

namespace Relay.Node.Actors.Polling;

/// <summary>
/// A sender has room for <paramref name="FreeSlots"/> more emails, counted when it had received
/// <paramref name="ReceivedTotal"/> emails in all; the poller subtracts what is still on its way.
/// <paramref name="Incarnation"/> changes when the sender restarts and its count starts over;
/// <paramref name="Capacity"/> is the most it ever holds.
/// </summary>
internal sealed record SenderReady(int FreeSlots, long ReceivedTotal, Guid Incarnation, int Capacity);

/// <summary>Claim now: emails were queued (PostgreSQL notification) or a test wants a poll.</summary>
internal sealed class PollNow : IDeadLetterSuppression
{
    public static readonly PollNow Instance = new();
}

/// <summary>Stop claiming for good (graceful shutdown); answered with <see cref="ClaimingStopped"/>.</summary>
internal sealed class StopClaiming
{
    public static readonly StopClaiming Instance = new();
}

internal sealed class ClaimingStopped
{
    public static readonly ClaimingStopped Instance = new();
}

/// <summary>Published on the event stream when a poller starts, so senders announce their room again.</summary>
internal sealed class PollerStarted
{
    public static readonly PollerStarted Instance = new();
}

internal sealed class GetPollerStatus
{
    public static readonly GetPollerStatus Instance = new();
}

internal sealed record PollerStatus(int Demand, int ReadySenders, bool Claiming, bool Stopped, long ClaimedTotal);

/// <summary>A claim's result, piped back to the poller.</summary>
internal sealed record BatchClaimed(IReadOnlyList<ClaimedEmail> Emails, int Requested);

internal sealed record ClaimFailed(Exception Error);

internal sealed record LeasesReturned(int RowCount);

internal sealed record LeaseCheckFailed(Exception Error);
