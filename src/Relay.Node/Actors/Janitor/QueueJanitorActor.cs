using Akka.Actor;
using Akka.Event;
using Relay.Node.Data;
using Relay.Node.Options;
using Relay.Shared.Queue;

namespace Relay.Node.Actors.Janitor;

/// <summary>
/// Deletes finished emails once their retention has passed: sent ones after one period, failed
/// and cancelled ones after a longer one, with their attempt history, in bounded batches.
/// </summary>
internal sealed class QueueJanitorActor : ReceiveActor, IWithTimers
{
    private static readonly EmailStatus[] SentStatuses = [EmailStatus.Sent];
    private static readonly EmailStatus[] FailedStatuses = [EmailStatus.Failed, EmailStatus.Cancelled];

    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IQueueStore _store;
    private readonly JanitorOptions _options;
    private readonly TimeProvider _time;
    private readonly List<IActorRef> _waiters = [];
    private bool _pruning;

    public QueueJanitorActor(IQueueStore store, JanitorOptions options, TimeProvider time)
    {
        _store = store;
        _options = options;
        _time = time;

        Receive<PruneTick>(_ => Prune());
        Receive<PruneNow>(_ =>
        {
            _waiters.Add(Sender);
            Prune();
        });
        Receive<Pruned>(HandlePruned);
        Receive<PruneFailed>(failed =>
        {
            _pruning = false;
            _log.Warning(
                failed.Error,
                "Pruning finished emails failed; trying again in {Delay}",
                _options.PruneInterval);
            Answer(new Pruned(0, 0));
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        Timers.StartPeriodicTimer("prune", PruneTick.Instance, TimeSpan.Zero, _options.PruneInterval);
    }

    private void Prune()
    {
        if (_pruning)
        {
            return;
        }

        _pruning = true;
        PruneAsync().PipeTo(Self, success: result => result, failure: error => new PruneFailed(error));
    }

    private async Task<Pruned> PruneAsync()
    {
        var now = _time.GetUtcNow();
        var sent = _options.KeepSentForever
            ? 0
            : await _store.PruneAsync(
                SentStatuses,
                now - _options.RetainSentFor,
                _options.BatchSize,
                CancellationToken.None);
        var failed = _options.KeepFailedForever
            ? 0
            : await _store.PruneAsync(
                FailedStatuses,
                now - _options.RetainFailedFor,
                _options.BatchSize,
                CancellationToken.None);
        return new Pruned(sent, failed);
    }

    private void HandlePruned(Pruned pruned)
    {
        _pruning = false;
        if (pruned.SentRows + pruned.FailedRows > 0)
        {
            _log.Info("Pruned {SentRows} sent and {FailedRows} failed or cancelled emails",
                pruned.SentRows, pruned.FailedRows);
        }

        Answer(pruned);
    }

    private void Answer(Pruned pruned)
    {
        foreach (var waiter in _waiters)
        {
            waiter.Tell(pruned);
        }

        _waiters.Clear();
    }
}
