using Akka.Event;
using Relay.Node.Delivery;

namespace Relay.Node.Actors.Outcomes;

/// <summary>Store this outcome with the next batch.</summary>
internal sealed record RecordOutcome(EmailOutcome Outcome);

/// <summary>Write everything buffered now and answer <see cref="OutcomesFlushed"/> once it is stored.</summary>
internal sealed class FlushOutcomes
{
    public static readonly FlushOutcomes Instance = new();
}

internal sealed class OutcomesFlushed
{
    public static readonly OutcomesFlushed Instance = new();
}

internal sealed record OutcomesWritten(int Count, int RowsChanged);

internal sealed record OutcomesNotWritten(IReadOnlyList<EmailOutcome> Batch, Exception Error);

internal sealed class FlushTick : IDeadLetterSuppression
{
    public static readonly FlushTick Instance = new();
}

/// <summary>
/// Published on the event stream when outcomes waiting to be stored cross the high-water mark
/// (or fall back under half of it): the poller claims nothing new while writes lag, so a crash
/// can only resend a bounded number of emails.
/// </summary>
internal sealed record OutcomeBacklogChanged(bool Lagging, int Pending);
