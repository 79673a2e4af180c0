namespace Relay.Node.Actors;

/// <summary>Graceful stop: stop claiming, drain senders, flush outcomes, release leases.</summary>
internal sealed class DrainNode
{
    public static readonly DrainNode Instance = new();
}

internal sealed record NodeDrained(int ReleasedRows);

/// <summary>Ask for the children, for health checks and tests.</summary>
internal sealed class GetNodeActors
{
    public static readonly GetNodeActors Instance = new();
}

internal sealed record NodeActors(
    Akka.Actor.IActorRef Poller,
    Akka.Actor.IActorRef Senders,
    Akka.Actor.IActorRef Outcomes,
    Akka.Actor.IActorRef Janitor);
