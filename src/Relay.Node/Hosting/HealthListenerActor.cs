using Akka.Actor;
using Relay.Node.Actors.Sending;

namespace Relay.Node.Hosting;

/// <summary>
/// Copies sender connection events into <see cref="NodeHealthState"/> for the readiness check. The
/// composition root subscribes it to the event stream before the senders start.
/// </summary>
internal sealed class HealthListenerActor : ReceiveActor
{
    public HealthListenerActor(NodeHealthState state)
    {
        Receive<SenderConnectionChanged>(changed => state.SetConnected(changed.Sender, changed.Connected));
    }
}
