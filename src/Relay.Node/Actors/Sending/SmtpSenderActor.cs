using System.Diagnostics.CodeAnalysis;
using Akka.Actor;
using Akka.Event;
using Relay.Node.Actors.Outcomes;
using Relay.Node.Actors.Polling;
using Relay.Node.Data;
using Relay.Node.Delivery;
using Relay.Node.Options;
using Relay.Node.Smtp;

namespace Relay.Node.Actors.Sending;

/// <summary>
/// Owns one SMTP connection and delivers the emails the poller gives it, one at a time, highest
/// priority first, reusing the connection. Connection failures hand its emails back and back off;
/// an unexpected error crashes it, and the supervisor restarts this sender alone.
/// </summary>
internal sealed class SmtpSenderActor : ReceiveActor, IWithTimers
{
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly IActorRef _poller;
    private readonly IActorRef _outcomes;
    private readonly SmtpOptions _options;
    private readonly RetryPolicy _retry;
    private readonly TimeProvider _time;
    private readonly long _leaseMarginMs;
    private readonly PriorityQueue<ClaimedEmail, (int Priority, long Arrival)> _queue = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Guid _incarnation = Guid.NewGuid();
    private SmtpConnection? _connection;
    private long _received;
    private long _sent;
    private long _arrivals;
    private int _failures;
    private bool _connected;
    private bool _sendScheduled;
    private bool _draining;

    public SmtpSenderActor(
        IActorRef poller,
        IActorRef outcomes,
        SmtpOptions options,
        RetryPolicy retry,
        TimeProvider time,
        TimeSpan leaseDuration)
    {
        _poller = poller;
        _outcomes = outcomes;
        _options = options;
        _retry = retry;
        _time = time;
        _leaseMarginMs = (long)LeaseMargin(leaseDuration, options.CommandTimeout).TotalMilliseconds;

        ReceiveAsync<Connect>(_ => HandleConnectAsync());
        Receive<DeliverEmails>(HandleDeliverEmails);
        ReceiveAsync<SendNext>(_ => HandleSendNextAsync());
        Receive<PollerStarted>(_ => AnnounceRoom());
        ReceiveAsync<DrainSender>(_ => HandleDrainAsync());
        Receive<GetSenderStatus>(_ => Sender.Tell(
            new SenderStatus(_connected, _failures > 0, _queue.Count, _failures, _sent)));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>
    /// The lease an email must still have for a send to start: half the lease, or three command
    /// timeouts when that is shorter. A send that starts later could outlive its lease, and another
    /// claim could then send the email a second time.
    /// </summary>
    public static TimeSpan LeaseMargin(TimeSpan leaseDuration, TimeSpan commandTimeout) =>
        TimeSpan.FromTicks(Math.Min(leaseDuration.Ticks / 2, commandTimeout.Ticks * 3));

    protected override void PreStart()
    {
        Context.System.EventStream.Subscribe(Self, typeof(PollerStarted));
        Self.Tell(Connect.Instance);
    }

    protected override void PreRestart(Exception reason, object message)
    {
        // The email that crashed keeps its lease and is retried when it lapses; the others go back now.
        ReleaseQueued("sender restarted");
        base.PreRestart(reason, message);
    }

    protected override void PostStop()
    {
        _stopping.Cancel();
        _connection?.Dispose();
        _stopping.Dispose();
        Context.System.EventStream.Publish(new SenderConnectionChanged(Self.Path.ToString(), Connected: false));
    }

    private async Task HandleConnectAsync()
    {
        if (_draining)
        {
            return;
        }

        _connection ??= new SmtpConnection(_options);
        try
        {
            await _connection.ConnectAsync(_stopping.Token);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            // Whatever stops a connection from opening (network, TLS, AUTH, or a server lacking
            // STARTTLS or AUTH that the settings demand) is retried with backoff, never in a loop.
            OnConnectionFailed(SmtpFailureClassifier.Describe(error));
            return;
        }

        if (_failures > 0)
        {
            _log.Info("SMTP {SmtpHost}:{SmtpPort} reachable again after {Failures} failed attempts",
                _options.Host, _options.Port, _failures);
        }
        else
        {
            _log.Debug("SMTP connection to {SmtpHost}:{SmtpPort} open", _options.Host, _options.Port);
        }

        _failures = 0;
        _connected = true;
        Context.System.EventStream.Publish(new SenderConnectionChanged(Self.Path.ToString(), Connected: true));
        AnnounceRoom();
        ScheduleSend();
    }

    private void HandleDeliverEmails(DeliverEmails deliver)
    {
        _received += deliver.Emails.Count;
        foreach (var email in deliver.Emails)
        {
            // Highest priority first, then in the order the poller handed them over.
            _queue.Enqueue(email, (-(int)email.Priority, _arrivals++));
        }

        if (!_connected || _draining)
        {
            // Room was announced before the connection failed or the stop began: hand them back.
            ReleaseQueued(_draining ? "node stopping" : "SMTP connection unavailable");
            return;
        }

        ScheduleSend();
    }

    private async Task HandleSendNextAsync()
    {
        _sendScheduled = false;
        if (!_connected || _connection is null || !TryDequeueWithinLease(out var email))
        {
            AnnounceRoom();
            return;
        }

        var outcome = await DeliverAsync(_connection, email);
        if (outcome is null)
        {
            return;
        }

        _outcomes.Tell(new RecordOutcome(outcome));
        if (outcome.Status == Shared.Queue.EmailStatus.Sent)
        {
            _sent++;
        }

        AnnounceRoom();
        ScheduleSend();
    }

    /// <summary>Returns the outcome to record, or null when the connection failed (already handled).</summary>
    private async Task<EmailOutcome?> DeliverAsync(SmtpConnection connection, ClaimedEmail email)
    {
        var now = _time.GetUtcNow();
        if (email.ExpiresAt is { } expires && expires <= now.ToUnixTimeMilliseconds())
        {
            _log.Warning("Email {EmailId} expired before it could be delivered", email.Id);
            return RetryPolicy.Expired(email, now);
        }

        var reused = connection.MessagesSent > 0;
        var report = connection.IsConnected
            ? await connection.SendAsync(email, _stopping.Token)
            : new SendReport(email.Recipients, [], false, new MailKit.ServiceNotConnectedException());
        var decision = SmtpFailureClassifier.Classify(report);

        // A server may close a connection that sat idle; one fresh connection settles whether the
        // server itself is the problem before the sender backs off.
        if (decision is DeliveryDecision.ConnectionFailed && (reused || !connection.IsConnected))
        {
            try
            {
                await connection.ConnectAsync(_stopping.Token);
                report = await connection.SendAsync(email, _stopping.Token);
                decision = SmtpFailureClassifier.Classify(report);
            }
            catch (Exception error) when (SmtpFailureClassifier.IsConnectionLevel(error))
            {
                decision = new DeliveryDecision.ConnectionFailed(SmtpFailureClassifier.Describe(error));
            }
        }

        switch (decision)
        {
            case DeliveryDecision.Unclassified:
                // LIMITATION: an email that crashes its sender every time is retried once per lease
                // period for ever: a crash uses up no attempt, so it never reaches MaxAttempts and
                // fails. Each crash is logged at Error with the email's id.
                throw new UnexpectedSendFailureException(email.Id, report.Error!);
            case DeliveryDecision.ConnectionFailed failed:
                _outcomes.Tell(new RecordOutcome(RetryPolicy.Requeue(email, failed.Reason)));
                OnConnectionFailed(failed.Reason);
                return null;
        }

        var outcome = _retry.Apply(email, decision, _time.GetUtcNow(), Random.Shared.NextDouble());
        LogOutcome(email, outcome);
        return outcome;
    }

    private async Task HandleDrainAsync()
    {
        _draining = true;
        Timers.CancelAll();
        var released = ReleaseQueued("node stopping");
        if (_connection is not null)
        {
            await _connection.DisconnectAsync();
        }

        _connected = false;
        Sender.Tell(new SenderDrained(released));
    }

    /// <summary>
    /// Takes the next email whose lease leaves time to send it. Those too close to lapsing go back
    /// to the queue unsent (no attempt used), to be claimed again with a fresh lease.
    /// </summary>
    private bool TryDequeueWithinLease([NotNullWhen(true)] out ClaimedEmail? email)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var handedBack = 0;
        while (_queue.TryDequeue(out email, out _))
        {
            if (email.LeaseExpiresAt - now >= _leaseMarginMs)
            {
                LogHandedBack(handedBack);
                return true;
            }

            _outcomes.Tell(new RecordOutcome(RetryPolicy.Requeue(email, "lease too close to lapsing")));
            handedBack++;
        }

        LogHandedBack(handedBack);
        return false;
    }

    private void LogHandedBack(int count)
    {
        if (count > 0)
        {
            _log.Warning("Handed {RowCount} emails back unsent: their lease lapses in under {Delay}; "
                + "the SMTP server is slower than Relay:Poller:LeaseDuration allows for "
                + "Relay:Smtp:SenderCapacity emails", count, TimeSpan.FromMilliseconds(_leaseMarginMs));
        }
    }

    private void OnConnectionFailed(string reason)
    {
        var wasConnected = _connected;
        _failures++;
        _connected = false;
        var delay = SendBackoff.Delay(
            _failures, _options.MinBackoff, _options.MaxBackoff, _options.RandomFactor, Random.Shared.NextDouble());
        if (_failures == 1)
        {
            Context.System.EventStream.Publish(new SenderConnectionChanged(Self.Path.ToString(), Connected: false));
            _log.Warning("SMTP {SmtpHost}:{SmtpPort} unavailable ({Reason}); backing off, first retry in {Delay}",
                _options.Host, _options.Port, reason, delay);
        }

        ReleaseQueued("SMTP connection unavailable");
        if (wasConnected)
        {
            // The poller still counts the room this sender last announced: take it back, so that
            // while every connection is down nothing more is claimed.
            _poller.Tell(new SenderReady(0, _received, _incarnation, _options.SenderCapacity));
        }

        Timers.StartSingleTimer("reconnect", Connect.Instance, delay);
    }

    private int ReleaseQueued(string reason)
    {
        var count = _queue.Count;
        while (_queue.TryDequeue(out var email, out _))
        {
            _outcomes.Tell(new RecordOutcome(RetryPolicy.Requeue(email, reason)));
        }

        return count;
    }

    private void AnnounceRoom()
    {
        if (_connected && !_draining)
        {
            _poller.Tell(new SenderReady(
                _options.SenderCapacity - _queue.Count,
                _received,
                _incarnation,
                _options.SenderCapacity));
        }
    }

    private void ScheduleSend()
    {
        if (!_sendScheduled && _queue.Count > 0)
        {
            _sendScheduled = true;
            Self.Tell(SendNext.Instance);
        }
    }

    private void LogOutcome(ClaimedEmail email, EmailOutcome outcome)
    {
        switch (outcome.Status)
        {
            case Shared.Queue.EmailStatus.Sent:
                _log.Debug("Delivered {EmailId} on attempt {Attempt}", email.Id, email.Attempts + 1);
                break;
            case Shared.Queue.EmailStatus.Deferred:
                _log.Warning("Deferred {EmailId} after attempt {Attempt}: {SmtpStatus}",
                    email.Id, email.Attempts + 1, outcome.LastError);
                break;
            case Shared.Queue.EmailStatus.Failed:
                _log.Error("Failed {EmailId} after attempt {Attempt}: {SmtpStatus}",
                    email.Id, email.Attempts + 1, outcome.LastError);
                break;
        }
    }
}
