using Akka.Actor;
using Akka.Configuration;
using Akka.Routing;
using Akka.TestKit;
using Relay.DevSmtp;
using Relay.Node.Actors;
using Relay.Node.Actors.Polling;
using Relay.Node.Actors.Sending;
using Relay.Node.Data;
using Relay.Node.Options;
using Relay.Shared.Queue;
using Xunit.Abstractions;

namespace Relay.Node.Tests.Actors;

public sealed class RelaySupervisorActorSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly Config PoolOfTwo = ConfigurationFactory.ParseString("""
        akka.actor.deployment."/relay-supervisor/smtp-senders" {
          router = round-robin-pool
          nr-of-instances = 2
        }
        """);

    private readonly FakeQueueStore _store = new();

    public RelaySupervisorActorSpecs(ITestOutputHelper output)
        : base(PoolOfTwo, output: output)
    {
    }

    [Fact]
    public async Task Should_restart_only_the_failing_sender_when_one_crashes()
    {
        await using var smtp = new DevSmtpServer();
        await smtp.StartAsync();
        var supervisor = Sys.ActorOf(
            Props.Create(() => new RelaySupervisorActor(Settings(smtp))),
            RelaySupervisorActor.Name);
        var actors = await supervisor.Ask<NodeActors>(GetNodeActors.Instance);
        var routees = (await actors.Senders.Ask<Routees>(GetRoutees.Instance)).Members
            .Select(r => ((ActorRefRoutee)r).Actor).ToList();

        // A routee told to deliver before its first connection opened hands the email back, so the
        // test waits for both connections the way the poller waits for SenderReady.
        await AwaitAssertAsync(async () => Assert.All(await StatusesAsync(routees), s => Assert.True(s.Connected)));
        foreach (var routee in routees)
        {
            routee.Tell(new DeliverEmails([Claimed("app@example.com")]));
        }

        await AwaitAssertAsync(async () => Assert.All(await StatusesAsync(routees), s => Assert.Equal(1, s.Sent)));

        routees[0].Tell(new DeliverEmails([Claimed("not an address")]));

        await AwaitAssertAsync(async () =>
        {
            var statuses = await StatusesAsync(routees);
            Assert.Equal((0L, true), (statuses[0].Sent, statuses[0].Connected));
            Assert.Equal((1L, true), (statuses[1].Sent, statuses[1].Connected));
        });
        Assert.Equal(3, smtp.SessionCount);
    }

    [Fact]
    public async Task Should_bring_a_crashed_poller_back_after_a_backoff()
    {
        await using var smtp = new DevSmtpServer();
        await smtp.StartAsync();
        var started = CreateTestProbe();
        Sys.EventStream.Subscribe(started, typeof(PollerStarted));
        _store.Add(1);
        _store.CrashNextClaim = true;

        Sys.ActorOf(Props.Create(() => new RelaySupervisorActor(Settings(smtp))), RelaySupervisorActor.Name);

        await started.ExpectMsgAsync<PollerStarted>();
        await started.ExpectMsgAsync<PollerStarted>(TimeSpan.FromSeconds(10));
        await smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Should_restart_failed_children_one_for_one()
    {
        var strategy = Assert.IsType<OneForOneStrategy>(RelaySupervisorActor.SenderStrategy);

        Assert.Equal(Directive.Restart, strategy.Decider.Decide(new InvalidOperationException()));
        Assert.Equal(Directive.Restart, RelaySupervisorActor.ChildStrategy.Decider.Decide(new Exception()));
    }

    private static async Task<SenderStatus[]> StatusesAsync(IEnumerable<IActorRef> routees) =>
        await Task.WhenAll(routees.Select(r => r.Ask<SenderStatus>(GetSenderStatus.Instance, TimeSpan.FromSeconds(3))));

    private RelayNodeSettings Settings(DevSmtpServer smtp) => new(
        "node-a",
        _store,
        new SmtpOptions { Host = smtp.Host, Port = smtp.Port, Security = SmtpSecurity.None },
        new DeliveryOptions(),
        new PollerOptions { PollInterval = TimeSpan.FromMilliseconds(100) },
        new OutcomeOptions(),
        new JanitorOptions(),
        TimeProvider.System,
        WakeUp: null,
        TimeSpan.FromSeconds(5));

    private static ClaimedEmail Claimed(string from)
    {
        var row = Relay.TestKit.TestEmails.Build();
        return new ClaimedEmail(
            row.Id,
            0,
            from,
            RecipientList.Split(row.Recipients),
            row.Mime,
            row.CreatedAt,
            null,
            null);
    }
}
