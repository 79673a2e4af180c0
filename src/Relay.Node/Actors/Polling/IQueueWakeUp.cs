namespace Relay.Node.Actors.Polling;

/// <summary>Something that knows, sooner than a poll, that emails were queued (PostgreSQL LISTEN).</summary>
internal interface IQueueWakeUp
{
    /// <summary>
    /// Starts listening in the background and calls <paramref name="wake"/> on each signal, until
    /// <paramref name="cancellationToken"/> is cancelled. Writers signal only while the returned
    /// doorbell is armed.
    /// </summary>
    IQueueDoorbell Start(Action wake, CancellationToken cancellationToken);
}

/// <summary>
/// Tells writers whether this node waits for work. Ringing costs every writer's commit something, so
/// a node asks for it only when it has drained the queue, and stops asking while it has a backlog
/// (it claims again by itself then).
/// </summary>
internal interface IQueueDoorbell
{
    /// <summary>
    /// The queue is drained: have writers signal. Once writers that did not signal before have
    /// finished, the wake-up calls its wake action, so one more claim picks up their emails.
    /// </summary>
    void Arm();

    /// <summary>The node has a backlog and claims again by itself: writers need not signal.</summary>
    void Disarm();
}
