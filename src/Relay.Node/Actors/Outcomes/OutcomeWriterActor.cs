using Akka.Actor;
using Akka.Event;
using Relay.Node.Data;
using Relay.Node.Delivery;
using Relay.Node.Options;

namespace Relay.Node.Actors.Outcomes;

/// <summary>
/// Buffers delivery outcomes and writes them in batches, one transaction each, so that a commit
/// per email does not cap throughput. A crash before a write may resend an email (its lease
/// lapses); it never loses one or marks one sent on doubt.
/// </summary>
internal sealed class OutcomeWriterActor : ReceiveActor, IWithTimers
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IQueueStore _store;
    private readonly OutcomeOptions _options;
    private readonly string _owner;
    private readonly TimeProvider _time;
    private readonly List<EmailOutcome> _buffer = [];
    private readonly List<IActorRef> _flushWaiters = [];
    private bool _writing;
    private int _writingCount;
    private int _failures;
    private bool _lagging;

    public OutcomeWriterActor(IQueueStore store, OutcomeOptions options, string owner, TimeProvider time)
    {
        _store = store;
        _options = options;
        _owner = owner;
        _time = time;

        Receive<RecordOutcome>(HandleRecordOutcome);
        Receive<FlushTick>(_ => Write());
        Receive<FlushOutcomes>(_ =>
        {
            _flushWaiters.Add(Sender);
            Write();
            AnswerFlushWaiters();
        });
        Receive<OutcomesWritten>(HandleOutcomesWritten);
        Receive<OutcomesNotWritten>(HandleOutcomesNotWritten);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreRestart(Exception reason, object message)
    {
        // Outcomes are only in memory: put them back in the mailbox for the restarted writer.
        foreach (var outcome in _buffer)
        {
            Self.Tell(new RecordOutcome(outcome));
        }

        base.PreRestart(reason, message);
    }

    private void HandleRecordOutcome(RecordOutcome record)
    {
        _buffer.Add(record.Outcome);
        PublishBacklog();
        if (_buffer.Count >= _options.MaxBatchSize)
        {
            Write();
        }
        else if (!Timers.IsTimerActive("flush"))
        {
            Timers.StartSingleTimer("flush", FlushTick.Instance, _options.FlushInterval);
        }
    }

    private void Write()
    {
        if (_writing || _buffer.Count == 0)
        {
            return;
        }

        Timers.Cancel("flush");
        var batch = _buffer.Take(_options.MaxBatchSize).ToList();
        _buffer.RemoveRange(0, batch.Count);
        _writing = true;
        _writingCount = batch.Count;
        _store.WriteOutcomesAsync(_owner, batch, _time.GetUtcNow(), CancellationToken.None)
            .PipeTo(
                Self,
                success: rows => new OutcomesWritten(batch.Count, rows),
                failure: error => new OutcomesNotWritten(batch, error));
    }

    private void HandleOutcomesWritten(OutcomesWritten written)
    {
        _writing = false;
        _writingCount = 0;
        if (_failures > 0)
        {
            _log.Info("Writing outcomes works again after {Failures} failures", _failures);
            _failures = 0;
        }

        if (written.RowsChanged < written.Count)
        {
            // A row whose lease lapsed was claimed again elsewhere; that node's outcome wins.
            _log.Warning("{RowCount} of {BatchSize} outcomes found their lease taken over and were not stored",
                written.Count - written.RowsChanged, written.Count);
        }
        else
        {
            _log.Debug("Stored {BatchSize} outcomes", written.Count);
        }

        if (_buffer.Count >= _options.MaxBatchSize || (_buffer.Count > 0 && _flushWaiters.Count > 0))
        {
            Write();
        }
        else if (_buffer.Count > 0)
        {
            Timers.StartSingleTimer("flush", FlushTick.Instance, _options.FlushInterval);
        }

        PublishBacklog();
        AnswerFlushWaiters();
    }

    private void HandleOutcomesNotWritten(OutcomesNotWritten failed)
    {
        _writing = false;
        _writingCount = 0;
        _failures++;
        _buffer.InsertRange(0, failed.Batch);
        if (_failures == 1)
        {
            _log.Warning(failed.Error, "Writing {BatchSize} outcomes failed; retrying every {Delay}",
                failed.Batch.Count, _options.RetryDelay);
        }

        Timers.StartSingleTimer("flush", FlushTick.Instance, _options.RetryDelay);
    }

    private void PublishBacklog()
    {
        var pending = _buffer.Count + _writingCount;
        var lagging = _lagging ? pending > _options.MaxPending / 2 : pending >= _options.MaxPending;
        if (lagging == _lagging)
        {
            return;
        }

        _lagging = lagging;
        Context.System.EventStream.Publish(new OutcomeBacklogChanged(lagging, pending));
        if (lagging)
        {
            _log.Warning("{RowCount} outcomes wait to be stored; claiming pauses until they are", pending);
        }
    }

    private void AnswerFlushWaiters()
    {
        if (_writing || _buffer.Count > 0)
        {
            return;
        }

        foreach (var waiter in _flushWaiters)
        {
            waiter.Tell(OutcomesFlushed.Instance);
        }

        _flushWaiters.Clear();
    }
}
