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

        poller.Tell(new SenderReady(3, 0), sender);

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

        poller.Tell(new SenderReady(10, 0), sender);

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
        poller.Tell(new SenderReady(4, 0), sender);
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
        poller.Tell(new SenderReady(3, 0), sender);
        Assert.Equal(3, (await sender.ExpectMsgAsync<DeliverEmails>()).Emails.Count);

        // Sent before the sender saw the three: it still counts 3 free, but only 0 are.
        poller.Tell(new SenderReady(3, 0), sender);
        await sender.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        poller.Tell(new SenderReady(2, 3), sender);

        Assert.Equal(2, (await sender.ExpectMsgAsync<DeliverEmails>()).Emails.Count);
    }

    [Fact]
    public async Task Should_share_a_claim_between_senders_by_their_room()
    {
        _store.Add(10);
        var first = CreateTestProbe();
        var second = CreateTestProbe();
        var poller = Sys.ActorOf(PollerProps());

        poller.Tell(new SenderReady(2, 0), first);
        poller.Tell(new SenderReady(3, 0), second);

        var total = (await first.ExpectMsgAsync<DeliverEmails>()).Emails.Count;
        await AwaitAssertAsync(() => Assert.Equal(5, _store.ClaimLimits.Sum()));
        total += (await second.ExpectMsgAsync<DeliverEmails>()).Emails.Count;
        Assert.Equal(5, total);
    }

    [Fact]
    public async Task Should_stop_claiming_for_good_when_told_to_stop()
    {
        _store.Add(10);
        var sender = CreateTestProbe();
        var poller = Sys.ActorOf(PollerProps());

        await poller.Ask<ClaimingStopped>(StopClaiming.Instance);
        poller.Tell(new SenderReady(5, 0), sender);
        Scheduler.Advance(PollInterval * 2);

        await sender.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
        Assert.Equal(0, _store.ClaimCalls);
    }

    private Props PollerProps(int maxBatch = 200)
    {
        var options = new PollerOptions
        {
            PollInterval = PollInterval,
            MaxBatchSize = maxBatch,
            LeaseCheckInterval = TimeSpan.FromHours(1),
        };
        var outcomes = CreateTestProbe();
        return Props.Create(() =>
            new QueuePollerActor(_store, options, "node-a", TimeProvider.System, outcomes, null));
    }
}
