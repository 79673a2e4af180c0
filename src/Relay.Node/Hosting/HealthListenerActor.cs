using Akka.Actor;
using Relay.Node.Actors.Sending;

namespace Relay.Node.Hosting;

/// <summary>Copies sender connection events into <see cref="NodeHealthState"/> for the readiness check.</summary>
internal sealed class HealthListenerActor : ReceiveActor
{
    public HealthListenerActor(NodeHealthState state)
    {
        Receive<SenderConnectionChanged>(changed => state.SetConnected(changed.Sender, changed.Connected));
    }

    protected override void PreStart() =>
        Context.System.EventStream.Subscribe(Self, typeof(SenderConnectionChanged));
}
