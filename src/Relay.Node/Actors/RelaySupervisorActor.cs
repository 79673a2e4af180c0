using Akka.Actor;
using Akka.Event;
using Akka.Pattern;
using Akka.Routing;
using Relay.Node.Actors.Janitor;
using Relay.Node.Actors.Outcomes;
using Relay.Node.Actors.Polling;
using Relay.Node.Actors.Sending;
using Relay.Node.Delivery;

namespace Relay.Node.Actors;

/// <summary>
/// The root of the node: creates the outcome writer, the poller, the sender pool and the janitor,
/// and decides what a failure of each means. A failing sender restarts alone; a crashed poller or
/// janitor comes back after a backoff; the writer restarts with its buffer kept.
/// </summary>
internal sealed class RelaySupervisorActor : ReceiveActor
{
    public const string Name = "relay-supervisor";
    public const string SendersName = "smtp-senders";

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly RelayNodeSettings _settings;
    private IActorRef _outcomes = ActorRefs.Nobody;
    private IActorRef _poller = ActorRefs.Nobody;
    private IActorRef _senders = ActorRefs.Nobody;
    private IActorRef _janitor = ActorRefs.Nobody;

    public RelaySupervisorActor(RelayNodeSettings settings)
    {
        _settings = settings;

        Receive<GetNodeActors>(_ => Sender.Tell(new NodeActors(_poller, _senders, _outcomes, _janitor)));
        ReceiveAsync<DrainNode>(_ => HandleDrainAsync());
    }

    /// <summary>Restart whichever child failed, only that one; the poller and janitor have their own backoff.</summary>
    public static SupervisorStrategy ChildStrategy { get; } =
        new OneForOneStrategy(
            maxNrOfRetries: -1,
            withinTimeRange: Timeout.InfiniteTimeSpan,
            localOnlyDecider: _ => Directive.Restart);

    /// <summary>Inside the sender pool: restart the one sender that failed, never the whole pool.</summary>
    public static SupervisorStrategy SenderStrategy => ChildStrategy;

    protected override SupervisorStrategy SupervisorStrategy() => ChildStrategy;

    protected override void PreStart()
    {
        var s = _settings;
        _outcomes = Context.ActorOf(
            Props.Create(() => new OutcomeWriterActor(s.Store, s.Outcomes, s.NodeName, s.Time)), "outcome-writer");

        var outcomes = _outcomes;
        _poller = Context.ActorOf(
            WithBackoff(
                Props.Create(() => new QueuePollerActor(s.Store, s.Poller, s.NodeName, s.Time, outcomes, s.WakeUp)),
                "queue-poller"),
            "queue-poller-supervisor");

        var poller = _poller;
        var retry = new RetryPolicy(s.Delivery);
        _senders = Context.ActorOf(
            Props.Create(() => new SmtpSenderActor(poller, outcomes, s.Smtp, retry, s.Time, s.Poller.LeaseDuration))
                .WithRouter(FromConfig.Instance.WithSupervisorStrategy(SenderStrategy)),
            SendersName);

        _janitor = Context.ActorOf(
            WithBackoff(Props.Create(() => new QueueJanitorActor(s.Store, s.Janitor, s.Time)), "queue-janitor"),
            "queue-janitor-supervisor");

        _log.Info("Relay node {NodeName} started", s.NodeName);
    }

    private static Props WithBackoff(Props child, string name) =>
        BackoffSupervisor.Props(
            Backoff.OnFailure(child, name, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 0.2, -1));

    private async Task HandleDrainAsync()
    {
        var replyTo = Sender;
        var deadline = _settings.ShutdownTimeout;
        var released = 0;
        try
        {
            await _poller.Ask<ClaimingStopped>(StopClaiming.Instance, deadline);
            var routees = await _senders.Ask<Routees>(GetRoutees.Instance, deadline);
            var drained = await Task.WhenAll(routees.Members.Select(r =>
            {
                var routee = (ActorRefRoutee)r;
                return routee.Actor.Ask<SenderDrained>(DrainSender.Instance, deadline);
            }));
            released = drained.Sum(d => d.Released);
            await _outcomes.Ask<OutcomesFlushed>(FlushOutcomes.Instance, deadline);
        }
        catch (Exception error) when (error is AskTimeoutException or TaskCanceledException)
        {
            _log.Warning("Graceful drain did not finish within {Delay}; releasing what is left", deadline);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            _log.Warning(error, "Graceful drain failed; releasing what is left");
        }

        // Whatever is still leased (a send that outlived the deadline) goes back to the queue.
        var left = 0;
        try
        {
            using var timeout = new CancellationTokenSource(deadline);
            left = await _settings.Store.ReleaseAllAsync(_settings.NodeName, _settings.Time.GetUtcNow(), timeout.Token);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            _log.Warning(error, "Could not hand leased emails back; they return to the queue when their lease lapses");
        }

        _log.Info("Relay node {NodeName} drained: {RowCount} emails handed back to the queue",
            _settings.NodeName, released + left);
        replyTo.Tell(new NodeDrained(released + left));
    }
}
