using Relay.DevSmtp;
using Relay.Shared.Queue;
using Relay.TestKit;
using Xunit.Abstractions;

namespace Relay.Node.Tests.Actors;

/// <summary>
/// What a sender's queue of leased emails must not cost: a second copy when the server is slower
/// than the lease allows, or a high-priority email waiting behind a low-priority backlog.
/// </summary>
public sealed class LeaseAndPrioritySpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public LeaseAndPrioritySpecs(ITestOutputHelper output)
        : base(output: output)
    {
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_send_each_email_once_when_the_server_is_slower_than_the_lease_allows(
        RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        await using var smtp = new DevSmtpServer();
        await smtp.StartAsync();
        // 16 emails at 0.7 s each outlast one 10 s lease: the last ones of a claim would lapse
        // while still waiting in the sender, be claimed again and sit in its queue twice.
        smtp.Script.DelayDataReply(TimeSpan.FromMilliseconds(700));
        var rows = Enumerable.Range(0, 16).Select(i => TestEmails.Build(to: $"user{i}@example.com")).ToList();
        await TestEmails.InsertAsync(database, rows);

        await using var node = await RelayNodeHost.StartAsync(
            database,
            smtp,
            s =>
            {
                s["Relay:Poller:LeaseDuration"] = "00:00:10";
                s["Relay:Smtp:CommandTimeout"] = "00:00:03";
            },
            senders: 1);

        await AwaitAssertAsync(
            async () => Assert.Equal(16, await QueueAssertions.CountAsync(database, EmailStatus.Sent)),
            Patience,
            TimeSpan.FromMilliseconds(100));
        Assert.All(rows, r => Assert.Equal(1, smtp.CountFor(RecipientList.Split(r.Recipients)[0])));
        Assert.Equal(16, smtp.MessageCount);
        foreach (var row in rows)
        {
            Assert.Equal(1, (await QueueAssertions.RowAsync(database, row.Id)).Attempts);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_send_high_priority_mail_next_when_the_sender_holds_a_low_priority_backlog(
        RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        await using var smtp = new DevSmtpServer();
        await smtp.StartAsync();
        // Slow enough that inserting a row takes a fraction of one send.
        smtp.Script.DelayDataReply(TimeSpan.FromMilliseconds(500));
        var low = Enumerable.Range(0, 40)
            .Select(i => TestEmails.Build(to: $"low{i}@example.com", priority: EmailPriority.Low))
            .ToList();
        await TestEmails.InsertAsync(database, low);
        await using var node = await RelayNodeHost.StartAsync(
            database,
            smtp,
            s => s["Relay:Smtp:SenderCapacity"] = "16",
            senders: 1);
        await smtp.WaitForMessagesAsync(2, Patience);

        var before = smtp.MessageCount;
        await TestEmails.InsertAsync(database, [TestEmails.Build(to: "high@example.com", priority: EmailPriority.High)]);

        await AwaitAssertAsync(() => Assert.Equal(1, smtp.CountFor("high@example.com")), Patience);
        var ahead = smtp.Messages.Select(m => m.Recipients[0]).ToList().IndexOf("high@example.com") - before;
        // The sender took 16 and is refilled once half empty, after its 8th send: that claim brings
        // the high-priority email, which goes right after the send in flight (about 7 sends after
        // it was queued). In arrival order it would wait behind the 7 lows still held (about 14).
        Assert.True(ahead <= 10, $"{ahead} low-priority emails went out before the high-priority one");
    }
}
