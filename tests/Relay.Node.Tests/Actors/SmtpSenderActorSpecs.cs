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
        Assert.Equal(new SenderReady(4, 1), await poller.ExpectMsgAsync<SenderReady>());
        Assert.Equal(1, smtp.MessageCount);
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
        return Props.Create(() => new SmtpSenderActor(poller, outcomes, options, retry, TimeProvider.System));
    }

    private static ClaimedEmail Claimed()
    {
        var row = TestKit.TestEmails.Build();
        return new ClaimedEmail(row.Id, 0, row.EnvelopeFrom, RecipientList.Split(row.Recipients), row.Mime,
            row.CreatedAt, null, null);
    }
}
