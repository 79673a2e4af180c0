using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Akka.TestKit;
using Relay.DevSmtp;
using Relay.Node.Actors.Outcomes;
using Relay.Node.Actors.Polling;
using Relay.Node.Actors.Sending;
using Relay.Node.Data;
using Relay.Node.Delivery;
using Relay.Node.Options;
using Relay.Shared.Queue;
using Xunit.Abstractions;

namespace Relay.Node.Tests.Actors;

/// <summary>One sender against a real SMTP server, with the scheduler on virtual time.</summary>
public sealed class SmtpSenderActorSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly Config VirtualTime = ConfigurationFactory.ParseString("""
        akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit"
        akka.loglevel = INFO
        """);

    private static readonly TimeSpan MinBackoff = TimeSpan.FromSeconds(10);

    public SmtpSenderActorSpecs(ITestOutputHelper output)
        : base(VirtualTime, output: output)
    {
    }

    private TestScheduler Scheduler => (TestScheduler)Sys.Scheduler;

    [Fact]
    public async Task Should_back_off_log_once_and_announce_room_only_after_recovering_when_the_server_refuses()
    {
        await using var smtp = new DevSmtpServer();
        await smtp.StartAsync();
        smtp.Script.RefuseConnections(true);
        var poller = CreateTestProbe();
        var outcomes = CreateTestProbe();
        var logs = CreateTestProbe();
        Sys.EventStream.Subscribe(logs, typeof(Warning));
        Sys.EventStream.Subscribe(logs, typeof(Info));

        var sender = Sys.ActorOf(SenderProps(smtp, poller, outcomes));

        await AwaitFailuresAsync(sender, 1);
        Assert.Contains("backing off", (await logs.ExpectMsgAsync<Warning>()).Message.ToString());
        Scheduler.Advance(MinBackoff);
        await AwaitFailuresAsync(sender, 2);
        Scheduler.Advance(MinBackoff * 2);
        await AwaitFailuresAsync(sender, 3);
        await poller.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        smtp.Script.RefuseConnections(false);
        Scheduler.Advance(MinBackoff * 4);

        var ready = await poller.ExpectMsgAsync<SenderReady>();
        Assert.Equal(4, ready.FreeSlots);
        Assert.Contains("reachable again after 3", (await logs.ExpectMsgAsync<Info>()).Message.ToString());
        await logs.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public async Task Should_hand_emails_back_without_an_attempt_when_the_connection_is_down()
    {
        await using var smtp = new DevSmtpServer();
        await smtp.StartAsync();
        smtp.Script.RefuseConnections(true);
        var poller = CreateTestProbe();
        var outcomes = CreateTestProbe();
        var sender = Sys.ActorOf(SenderProps(smtp, poller, outcomes));
        await AwaitFailuresAsync(sender, 1);

        var email = Claimed();
        sender.Tell(new DeliverEmails([email]));

        var outcome = (await outcomes.ExpectMsgAsync<RecordOutcome>()).Outcome;
        Assert.Equal((email.Id, EmailStatus.Queued, false), (outcome.EmailId, outcome.Status, outcome.CountsAsAttempt));
    }

    [Fact]
    public async Task Should_deliver_and_report_sent_when_connected()
    {
        await using var smtp = new DevSmtpServer();
        await smtp.StartAsync();
        var poller = CreateTestProbe();
        var outcomes = CreateTestProbe();
        var sender = Sys.ActorOf(SenderProps(smtp, poller, outcomes));
        await poller.ExpectMsgAsync<SenderReady>();

        var email = Claimed();
        sender.Tell(new DeliverEmails([email]));

        var outcome = (await outcomes.ExpectMsgAsync<RecordOutcome>()).Outcome;
        Assert.Equal((email.Id, EmailStatus.Sent), (outcome.EmailId, outcome.Status));
        var ready = await poller.ExpectMsgAsync<SenderReady>();
        Assert.Equal((4, 1L), (ready.FreeSlots, ready.ReceivedTotal));
        Assert.Equal(1, smtp.MessageCount);
    }

    [Fact]
    public async Task Should_deliver_the_highest_priority_email_it_holds_first()
    {
        await using var smtp = new DevSmtpServer();
        await smtp.StartAsync();
        var poller = CreateTestProbe();
        var outcomes = CreateTestProbe();
        var sender = Sys.ActorOf(SenderProps(smtp, poller, outcomes));
        await poller.ExpectMsgAsync<SenderReady>();
        var low = Claimed(to: "low@example.com", priority: EmailPriority.Low);
        var normal = Claimed(to: "normal@example.com");
        var high = Claimed(to: "high@example.com", priority: EmailPriority.High);

        sender.Tell(new DeliverEmails([low, normal, high]));

        var order = new[]
        {
            (await outcomes.ExpectMsgAsync<RecordOutcome>()).Outcome.EmailId,
            (await outcomes.ExpectMsgAsync<RecordOutcome>()).Outcome.EmailId,
            (await outcomes.ExpectMsgAsync<RecordOutcome>()).Outcome.EmailId,
        };
        Assert.Equal([high.Id, normal.Id, low.Id], order);
        Assert.Equal(
            ["high@example.com", "normal@example.com", "low@example.com"],
            smtp.Messages.Select(m => m.Recipients[0]));
    }

    [Fact]
    public async Task Should_hand_back_unsent_an_email_whose_lease_lapses_too_soon()
    {
        await using var smtp = new DevSmtpServer();
        await smtp.StartAsync();
        var poller = CreateTestProbe();
        var outcomes = CreateTestProbe();
        var sender = Sys.ActorOf(SenderProps(smtp, poller, outcomes));
        await poller.ExpectMsgAsync<SenderReady>();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var lapsing = Claimed(to: "lapsing@example.com", leaseExpiresAt: now + 1_000);
        var fresh = Claimed(to: "fresh@example.com", leaseExpiresAt: now + 300_000);

        sender.Tell(new DeliverEmails([lapsing, fresh]));

        var handedBack = (await outcomes.ExpectMsgAsync<RecordOutcome>()).Outcome;
        Assert.Equal(
            (lapsing.Id, EmailStatus.Queued, false),
            (handedBack.EmailId, handedBack.Status, handedBack.CountsAsAttempt));
        var sent = (await outcomes.ExpectMsgAsync<RecordOutcome>()).Outcome;
        Assert.Equal((fresh.Id, EmailStatus.Sent), (sent.EmailId, sent.Status));
        Assert.Equal(0, smtp.CountFor("lapsing@example.com"));
        Assert.Equal(1, smtp.CountFor("fresh@example.com"));
    }

    [Fact]
    public async Task Should_take_its_room_back_from_the_poller_when_its_connection_is_lost()
    {
        await using var smtp = new DevSmtpServer();
        await smtp.StartAsync();
        var poller = CreateTestProbe();
        var outcomes = CreateTestProbe();
        var sender = Sys.ActorOf(SenderProps(smtp, poller, outcomes));
        Assert.Equal(4, (await poller.ExpectMsgAsync<SenderReady>()).FreeSlots);
        smtp.Script.RefuseConnections(true);

        var email = Claimed();
        sender.Tell(new DeliverEmails([email]));

        var outcome = (await outcomes.ExpectMsgAsync<RecordOutcome>()).Outcome;
        Assert.Equal((email.Id, EmailStatus.Queued, false), (outcome.EmailId, outcome.Status, outcome.CountsAsAttempt));
        var ready = await poller.ExpectMsgAsync<SenderReady>();
        Assert.Equal((0, 1L), (ready.FreeSlots, ready.ReceivedTotal));
        await poller.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
    }

    private async Task AwaitFailuresAsync(IActorRef sender, int failures) =>
        await AwaitAssertAsync(async () =>
        {
            var status = await sender.Ask<SenderStatus>(GetSenderStatus.Instance, TimeSpan.FromSeconds(3));
            Assert.Equal(failures, status.ConnectionFailures);
        });

    private static Props SenderProps(DevSmtpServer smtp, TestProbe poller, TestProbe outcomes)
    {
        var options = new SmtpOptions
        {
            Host = smtp.Host,
            Port = smtp.Port,
            Security = SmtpSecurity.None,
            MinBackoff = MinBackoff,
            MaxBackoff = TimeSpan.FromMinutes(5),
            RandomFactor = 0,
            SenderCapacity = 4,
        };
        var retry = new RetryPolicy(new DeliveryOptions());
        return Props.Create(() => new SmtpSenderActor(
            poller, outcomes, options, retry, TimeProvider.System, TimeSpan.FromMinutes(5)));
    }

    private static ClaimedEmail Claimed(
        string to = "ann@example.com",
        EmailPriority priority = EmailPriority.Normal,
        long leaseExpiresAt = long.MaxValue)
    {
        var row = TestKit.TestEmails.Build(to: to, priority: priority);
        return new ClaimedEmail(row.Id, 0, row.EnvelopeFrom, RecipientList.Split(row.Recipients), row.Mime,
            row.CreatedAt, null, null, priority, leaseExpiresAt);
    }
}
