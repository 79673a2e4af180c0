using Akka.Event;

namespace Relay.Node.Actors.Janitor;

/// <summary>Prune now; answered with <see cref="Pruned"/>.</summary>
internal sealed class PruneNow
{
    public static readonly PruneNow Instance = new();
}

internal sealed record Pruned(int SentRows, int FailedRows);

internal sealed record PruneFailed(Exception Error);

internal sealed class PruneTick : IDeadLetterSuppression
{
    public static readonly PruneTick Instance = new();
}
