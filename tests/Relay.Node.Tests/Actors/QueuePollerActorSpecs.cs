using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Relay.Node.Actors.Polling;
using Relay.Node.Actors.Sending;
using Relay.Node.Options;
using Xunit.Abstractions;

namespace Relay.Node.Tests.Actors;

public sealed class QueuePollerActorSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly Config VirtualTime = ConfigurationFactory.ParseString(
        "akka.scheduler.implementation = \"Akka.TestKit.TestScheduler, Akka.TestKit\"");

    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private static readonly Guid Incarnation = Guid.NewGuid();

    private readonly FakeQueueStore _store = new();

    public QueuePollerActorSpecs(ITestOutputHelper output)
        : base(VirtualTime, output: output)
    {
    }

    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    [Fact]
    public async Task Should_not_claim_when_no_sender_has_room()
    {
        _store.Add(5);
        var poller = Sys.ActorOf(PollerProps());

        Scheduler.Advance(PollInterval * 3);

        await AwaitAssertAsync(async () =>
            Assert.Equal(0, (await poller.Ask<PollerStatus>(GetPollerStatus.Instance)).Demand));
        Assert.Equal(0, _store.ClaimCalls);
    }

    [Fact]
    public async Task Should_claim_exactly_the_room_a_sender_announces()
    {
        _store.Add(10);
        var sender = CreateTestProbe();
        var poller = Sys.ActorOf(PollerProps());

        poller.Tell(new SenderReady(3, 0, Incarnation, 3), sender);

        var deliver = await sender.ExpectMsgAsync<DeliverEmails>();
        Assert.Equal(3, deliver.Emails.Count);
        Assert.Equal([3], _store.ClaimLimits);
    }

    [Fact]
    public async Task Should_claim_again_at_once_while_claims_come_back_full()
    {
        _store.Add(5);
        var sender = CreateTestProbe();
        var poller = Sys.ActorOf(PollerProps(maxBatch: 2));

        poller.Tell(new SenderReady(10, 0, Incarnation, 10), sender);

        var sizes = new[]
        {
            (await sender.ExpectMsgAsync<DeliverEmails>()).Emails.Count,
            (await sender.ExpectMsgAsync<DeliverEmails>()).Emails.Count,
            (await sender.ExpectMsgAsync<DeliverEmails>()).Emails.Count,
        };
        Assert.Equal([2, 2, 1], sizes);
        await sender.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Should_poll_an_empty_queue_only_once_per_interval()
    {
        var sender = CreateTestProbe();
        var poller = Sys.ActorOf(PollerProps());
        poller.Tell(new SenderReady(4, 0, Incarnation, 4), sender);
        await AwaitAssertAsync(() => Assert.Equal(1, _store.ClaimCalls));

        _store.Add(1);
        await sender.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        Scheduler.Advance(PollInterval);

        Assert.Single((await sender.ExpectMsgAsync<DeliverEmails>()).Emails);
        Assert.Equal(2, _store.ClaimCalls);
    }

    [Fact]
    public async Task Should_subtract_emails_still_on_their_way_from_a_senders_room()
    {
        _store.Add(10);
        var sender = CreateTestProbe();
        var poller = Sys.ActorOf(PollerProps());
        poller.Tell(new SenderReady(3, 0, Incarnation, 3), sender);
        Assert.Equal(3, (await sender.ExpectMsgAsync<DeliverEmails>()).Emails.Count);

        // Sent before the sender saw the three: it still counts 3 free, but only 0 are.
        poller.Tell(new SenderReady(3, 0, Incarnation, 3), sender);
        await sender.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        poller.Tell(new SenderReady(2, 3, Incarnation, 3), sender);

        Assert.Equal(2, (await sender.ExpectMsgAsync<DeliverEmails>()).Emails.Count);
    }

    [Fact]
    public async Task Should_count_a_restarted_senders_room_from_zero_again()
    {
        _store.Add(10);
        var sender = CreateTestProbe();
        var poller = Sys.ActorOf(PollerProps());
        poller.Tell(new SenderReady(3, 0, Incarnation, 3), sender);
        Assert.Equal(3, (await sender.ExpectMsgAsync<DeliverEmails>()).Emails.Count);

        // The sender crashed before seeing the three, handed them back and starts over.
        poller.Tell(new SenderReady(3, 0, Guid.NewGuid(), 3), sender);

        Assert.Equal(3, (await sender.ExpectMsgAsync<DeliverEmails>()).Emails.Count);
    }

    [Fact]
    public async Task Should_wait_until_a_sender_is_half_empty_before_claiming()
    {
        _store.Add(10);
        var sender = CreateTestProbe();
        var poller = Sys.ActorOf(PollerProps());

        poller.Tell(new SenderReady(3, 0, Incarnation, 8), sender);
        Scheduler.Advance(PollInterval);
        await sender.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        poller.Tell(new SenderReady(4, 0, Incarnation, 8), sender);

        Assert.Equal(4, (await sender.ExpectMsgAsync<DeliverEmails>()).Emails.Count);
    }

    [Fact]
    public async Task Should_share_a_claim_between_senders_by_their_room()
    {
        _store.Add(10);
        var first = CreateTestProbe();
        var second = CreateTestProbe();
        var poller = Sys.ActorOf(PollerProps());

        poller.Tell(new SenderReady(2, 0, Incarnation, 2), first);
        poller.Tell(new SenderReady(3, 0, Incarnation, 3), second);

        var total = (await first.ExpectMsgAsync<DeliverEmails>()).Emails.Count;
        await AwaitAssertAsync(() => Assert.Equal(5, _store.ClaimLimits.Sum()));
        total += (await second.ExpectMsgAsync<DeliverEmails>()).Emails.Count;
        Assert.Equal(5, total);
    }

    [Fact]
    public async Task Should_pause_claiming_while_outcome_writes_lag()
    {
        _store.Add(10);
        var sender = CreateTestProbe();
        var poller = Sys.ActorOf(PollerProps());
        await poller.Ask<PollerStatus>(GetPollerStatus.Instance);

        Sys.EventStream.Publish(new Relay.Node.Actors.Outcomes.OutcomeBacklogChanged(true, 2000));
        await poller.Ask<PollerStatus>(GetPollerStatus.Instance);
        poller.Tell(new SenderReady(3, 0, Incarnation, 3), sender);
        Scheduler.Advance(PollInterval * 2);

        await sender.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        Sys.EventStream.Publish(new Relay.Node.Actors.Outcomes.OutcomeBacklogChanged(false, 900));
        Assert.Equal(3, (await sender.ExpectMsgAsync<DeliverEmails>()).Emails.Count);
    }

    [Fact]
    public async Task Should_log_a_database_outage_once_and_its_end_once()
    {
        _store.DatabaseDown = true;
        var sender = CreateTestProbe();
        var poller = Sys.ActorOf(PollerProps());

        await EventFilter.Warning(contains: "unavailable").ExpectOneAsync(async () =>
        {
            poller.Tell(new SenderReady(2, 0, Incarnation, 2), sender);
            await ClaimFailedAsync(poller, 1);
            for (var poll = 2; poll <= 4; poll++)
            {
                Scheduler.Advance(PollInterval);
                await ClaimFailedAsync(poller, poll);
            }
        });

        _store.DatabaseDown = false;
        _store.Add(1);
        await EventFilter.Info(contains: "reachable again after 4").ExpectOneAsync(async () =>
        {
            Scheduler.Advance(PollInterval);
            await sender.ExpectMsgAsync<DeliverEmails>();
        });
    }

    [Fact]
    public async Task Should_claim_nothing_more_for_a_sender_that_took_its_room_back()
    {
        _store.Add(10);
        var sender = CreateTestProbe();
        var poller = Sys.ActorOf(PollerProps());
        poller.Tell(new SenderReady(4, 0, Incarnation, 4), sender);
        Assert.Equal(4, (await sender.ExpectMsgAsync<DeliverEmails>()).Emails.Count);

        // The sender received the four, lost its connection, handed them back and has no room.
        poller.Tell(new SenderReady(0, 4, Incarnation, 4), sender);
        Scheduler.Advance(PollInterval * 3);

        await sender.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
        Assert.Equal(0, (await poller.Ask<PollerStatus>(GetPollerStatus.Instance)).Demand);
        Assert.Equal(1, _store.ClaimCalls);
    }

    [Fact]
    public async Task Should_stop_claiming_for_good_when_told_to_stop()
    {
        _store.Add(10);
        var sender = CreateTestProbe();
        var poller = Sys.ActorOf(PollerProps());

        await poller.Ask<ClaimingStopped>(StopClaiming.Instance);
        poller.Tell(new SenderReady(5, 0, Incarnation, 5), sender);
        Scheduler.Advance(PollInterval * 2);

        await sender.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
        Assert.Equal(0, _store.ClaimCalls);
    }

    [Fact]
    public async Task Should_ask_writers_to_signal_once_drained_and_stop_while_claims_come_back_full()
    {
        _store.Add(3);
        var wakeUp = new RecordingWakeUp();
        var sender = CreateTestProbe();
        var poller = Sys.ActorOf(PollerProps(maxBatch: 2, wakeUp: wakeUp));

        poller.Tell(new SenderReady(10, 0, Incarnation, 10), sender);

        await sender.ExpectMsgAsync<DeliverEmails>();
        await sender.ExpectMsgAsync<DeliverEmails>();
        await AwaitAssertAsync(() => Assert.Equal(["disarm", "arm"], wakeUp.Calls));

        wakeUp.Wake!();
        await AwaitAssertAsync(() => Assert.Equal(["disarm", "arm", "arm"], wakeUp.Calls));
    }

    // The store counts a claim when it starts; the poller polls again only once it has seen it fail.
    private async Task ClaimFailedAsync(IActorRef poller, int claims)
    {
        await AwaitAssertAsync(() => Assert.Equal(claims, _store.ClaimCalls));
        await AwaitAssertAsync(async () =>
            Assert.False((await poller.Ask<PollerStatus>(GetPollerStatus.Instance)).Claiming));
    }

    private Props PollerProps(int maxBatch = 200, IQueueWakeUp? wakeUp = null)
    {
        var options = new PollerOptions
        {
            PollInterval = PollInterval,
            MaxBatchSize = maxBatch,
            LeaseCheckInterval = TimeSpan.FromHours(1),
        };
        var outcomes = CreateTestProbe();
        return Props.Create(() =>
            new QueuePollerActor(_store, options, "node-a", TimeProvider.System, outcomes, wakeUp));
    }

    /// <summary>Records what the poller asks of the doorbell, and lets the spec ring.</summary>
    private sealed class RecordingWakeUp : IQueueWakeUp, IQueueDoorbell
    {
        private readonly List<string> _calls = [];

        public Action? Wake { get; private set; }

        public IReadOnlyList<string> Calls
        {
            get
            {
                lock (_calls)
                {
                    return [.. _calls];
                }
            }
        }

        public IQueueDoorbell Start(Action wake, CancellationToken cancellationToken)
        {
            Wake = wake;
            return this;
        }

        public void Arm() => Record("arm");

        public void Disarm() => Record("disarm");

        private void Record(string call)
        {
            lock (_calls)
            {
                _calls.Add(call);
            }
        }
    }
}
