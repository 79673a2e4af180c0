namespace Relay.Node.Actors.Polling;

/// <summary>Something that knows, sooner than a poll, that emails were queued (PostgreSQL LISTEN).</summary>
internal interface IQueueWakeUp
{
    /// <summary>Starts listening in the background and calls <paramref name="wake"/> on each signal.</summary>
    void Start(Action wake, CancellationToken cancellationToken);
}
