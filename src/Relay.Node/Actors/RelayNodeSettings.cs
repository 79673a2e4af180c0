using Relay.Node.Actors.Polling;
using Relay.Node.Data;
using Relay.Node.Options;

namespace Relay.Node.Actors;

/// <summary>Everything the actor tree needs, resolved once by the composition root.</summary>
internal sealed record RelayNodeSettings(
    string NodeName,
    IQueueStore Store,
    SmtpOptions Smtp,
    DeliveryOptions Delivery,
    PollerOptions Poller,
    OutcomeOptions Outcomes,
    JanitorOptions Janitor,
    TimeProvider Time,
    IQueueWakeUp? WakeUp,
    TimeSpan ShutdownTimeout);
