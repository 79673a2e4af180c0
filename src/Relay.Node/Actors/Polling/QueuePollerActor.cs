using Akka.Actor;
using Akka.Event;
using Relay.Node.Actors.Outcomes;
using Relay.Node.Actors.Sending;
using Relay.Node.Data;
using Relay.Node.Delivery;
using Relay.Node.Options;

namespace Relay.Node.Actors.Polling;

/// <summary>
/// Claims due emails and hands them to senders. It claims only what the senders have room for
/// right now, so no row sits leased in a mailbox while another node could send it.
/// </summary>
internal sealed class QueuePollerActor : ReceiveActor, IWithTimers
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IQueueStore _store;
    private readonly PollerOptions _options;
    private readonly string _owner;
    private readonly TimeProvider _time;
    private readonly IActorRef _outcomes;
    private readonly IQueueWakeUp? _wakeUp;
    private readonly Dictionary<IActorRef, Demand> _senders = [];
    private readonly CancellationTokenSource _stopping = new();
    private IQueueDoorbell? _doorbell;
    private bool _claiming;
    private bool _pollAgain;
    private bool _stopped;
    private bool _outcomesLagging;
    private int _databaseFailures;
    private long _claimedTotal;

    public QueuePollerActor(
        IQueueStore store,
        PollerOptions options,
        string owner,
        TimeProvider time,
        IActorRef outcomes,
        IQueueWakeUp? wakeUp)
    {
        _store = store;
        _options = options;
        _owner = owner;
        _time = time;
        _outcomes = outcomes;
        _wakeUp = wakeUp;

        Receive<SenderReady>(HandleSenderReady);
        Receive<PollTick>(_ => TryClaim());
        Receive<PollNow>(_ => TryClaim());
        Receive<BatchClaimed>(HandleBatchClaimed);
        Receive<ClaimFailed>(HandleClaimFailed);
        Receive<LeaseTick>(_ => HandleLeaseTick());
        Receive<LeasesReturned>(HandleLeasesReturned);
        Receive<LeaseCheckFailed>(failed => DatabaseFailed(failed.Error, "Returning lapsed leases"));
        Receive<Terminated>(t => _senders.Remove(t.ActorRef));
        Receive<OutcomeBacklogChanged>(changed =>
        {
            _outcomesLagging = changed.Lagging;
            TryClaim();
        });
        Receive<StopClaiming>(_ =>
        {
            _stopped = true;
            Sender.Tell(ClaimingStopped.Instance);
        });
        Receive<GetPollerStatus>(_ => Sender.Tell(new PollerStatus(
            TotalDemand(), _senders.Count(s => s.Value.Free > 0), _claiming, _stopped, _claimedTotal)));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        Timers.StartPeriodicTimer("poll", PollTick.Instance, _options.PollInterval);
        Timers.StartPeriodicTimer("leases", LeaseTick.Instance, TimeSpan.Zero, _options.LeaseCheckInterval);
        if (_wakeUp is not null)
        {
            var self = Self;
            _doorbell = _wakeUp.Start(() => self.Tell(PollNow.Instance), _stopping.Token);
        }

        Context.System.EventStream.Subscribe(Self, typeof(OutcomeBacklogChanged));
        Context.System.EventStream.Publish(PollerStarted.Instance);
        _log.Info("Queue poller {Owner} started; polling every {PollInterval}", _owner, _options.PollInterval);
    }

    protected override void PostStop()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private void HandleSenderReady(SenderReady ready)
    {
        if (!_senders.TryGetValue(Sender, out var demand))
        {
            demand = new Demand();
            _senders[Sender] = demand;
            Context.Watch(Sender);
        }

        if (demand.Incarnation != ready.Incarnation)
        {
            // A restarted sender lost what it held (it handed it back) and counts from zero again.
            demand.Incarnation = ready.Incarnation;
            demand.Delivered = 0;
        }

        // The sender counted its room before it saw what is still on its way to it.
        demand.Free = ready.FreeSlots - (int)(demand.Delivered - ready.ReceivedTotal);
        demand.Capacity = ready.Capacity;
        TryClaim();
    }

    private void TryClaim()
    {
        if (_stopped || _outcomesLagging)
        {
            return;
        }

        if (_claiming)
        {
            _pollAgain = true;
            return;
        }

        // Each claim is a commit: wait until some sender is at least half empty, so claims come in
        // batches rather than one row per finished email, while no sender ever runs dry.
        var wanted = Math.Min(TotalDemand(), _options.MaxBatchSize);
        if (wanted <= 0 || !_senders.Values.Any(d => d.Free * 2 >= d.Capacity))
        {
            return;
        }

        _claiming = true;
        _pollAgain = false;
        _store.ClaimAsync(_owner, wanted, _time.GetUtcNow(), _options.LeaseDuration, _stopping.Token)
            .PipeTo(Self, success: rows => new BatchClaimed(rows, wanted), failure: error => new ClaimFailed(error));
    }

    private void HandleBatchClaimed(BatchClaimed batch)
    {
        _claiming = false;
        DatabaseRecovered();
        _claimedTotal += batch.Emails.Count;
        if (batch.Emails.Count > 0)
        {
            _log.Debug("Claimed {RowCount} of {BatchSize} requested", batch.Emails.Count, batch.Requested);
        }

        Distribute(batch.Emails);

        // A full claim means more rows are probably due: claim again at once instead of waiting,
        // and writers need not signal. A short one drained the queue: ask writers to signal.
        var full = batch.Emails.Count == batch.Requested && batch.Requested > 0;
        if (full)
        {
            _doorbell?.Disarm();
        }
        else
        {
            _doorbell?.Arm();
        }

        if (_pollAgain || full)
        {
            TryClaim();
        }
    }

    private void Distribute(IReadOnlyList<ClaimedEmail> emails)
    {
        var next = 0;
        foreach (var (sender, demand) in _senders)
        {
            if (next == emails.Count)
            {
                break;
            }

            var take = Math.Min(demand.Free, emails.Count - next);
            if (take <= 0)
            {
                continue;
            }

            sender.Tell(new DeliverEmails(emails.Skip(next).Take(take).ToList()));
            demand.Free -= take;
            demand.Delivered += take;
            next += take;
        }

        // Senders that vanished while the claim ran leave rows nobody will send: release them now.
        for (; next < emails.Count; next++)
        {
            _outcomes.Tell(new RecordOutcome(RetryPolicy.Requeue(emails[next], "no sender had room")));
        }
    }

    private void HandleClaimFailed(ClaimFailed failed)
    {
        _claiming = false;
        if (_stopped || _stopping.IsCancellationRequested)
        {
            return;
        }

        DatabaseFailed(failed.Error, "Claiming emails");
    }

    private void HandleLeaseTick()
    {
        _store.ReturnExpiredLeasesAsync(_time.GetUtcNow(), _stopping.Token)
            .PipeTo(Self, success: count => new LeasesReturned(count), failure: error => new LeaseCheckFailed(error));
    }

    private void HandleLeasesReturned(LeasesReturned returned)
    {
        if (returned.RowCount > 0)
        {
            _log.Warning("Returned {RowCount} emails whose lease lapsed (a node stopped without releasing them, "
                + "or held them past Relay:Poller:LeaseDuration)",
                returned.RowCount);
            TryClaim();
        }
    }

    // A database outage fails every poll: say so once when it starts and once when it ends.
    private void DatabaseFailed(Exception error, string what)
    {
        if (_databaseFailures++ == 0)
        {
            _log.Warning(error, "{What} failed; the queue database is unavailable, retrying on each poll", what);
        }
    }

    private void DatabaseRecovered()
    {
        if (_databaseFailures > 0)
        {
            _log.Info("Queue database reachable again after {Failures} failed operations", _databaseFailures);
            _databaseFailures = 0;
        }
    }

    private int TotalDemand() => _senders.Values.Sum(d => Math.Max(0, d.Free));

    private sealed class Demand
    {
        public Guid Incarnation { get; set; }

        public int Free { get; set; }

        public int Capacity { get; set; }

        public long Delivered { get; set; }
    }

    private sealed class PollTick : IDeadLetterSuppression
    {
        public static readonly PollTick Instance = new();
    }

    private sealed class LeaseTick : IDeadLetterSuppression
    {
        public static readonly LeaseTick Instance = new();
    }
}
