using LinqToDB;
using LinqToDB.Async;
using Relay.DevSmtp;
using Relay.Shared.Queue;
using Relay.TestKit;
using Xunit.Abstractions;

namespace Relay.Node.Tests.Actors;

/// <summary>Several nodes on one queue, and nodes that stop in the middle of their work.</summary>
public sealed class MultiNodeSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public MultiNodeSpecs(ITestOutputHelper output)
        : base(output: output)
    {
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_deliver_each_message_once_when_two_nodes_share_the_queue(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        await using var smtp = new DevSmtpServer();
        await smtp.StartAsync();
        var rows = Enumerable.Range(0, 2000).Select(i => TestEmails.Build(to: $"user{i}@example.com")).ToList();
        await TestEmails.InsertAsync(database, rows);

        await using var first = await RelayNodeHost.StartAsync(database, smtp, senders: 2, nodeName: "node-a");
        await using var second = await RelayNodeHost.StartAsync(database, smtp, senders: 2, nodeName: "node-b");

        await smtp.WaitForMessagesAsync(2000, Patience);
        await AwaitAssertAsync(
            async () => Assert.Equal(2000, await QueueAssertions.CountAsync(database, EmailStatus.Sent)), Patience);
        Assert.Equal(2000, smtp.MessageCount);
        Assert.All(Enumerable.Range(0, 2000), i => Assert.Equal(1, smtp.CountFor($"user{i}@example.com")));
        await using var db = database.Connect();
        var nodes = await db.Attempts.Select(a => a.Node).Distinct().ToListAsync();
        Assert.Equal(["node-a", "node-b"], nodes.Order());
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_let_a_second_node_finish_when_the_first_stops_mid_batch(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        await using var smtp = new DevSmtpServer();
        await smtp.StartAsync();
        var rows = Enumerable.Range(0, 300).Select(i => TestEmails.Build(to: $"user{i}@example.com")).ToList();
        await TestEmails.InsertAsync(database, rows);
        var first = await RelayNodeHost.StartAsync(database, smtp, senders: 2, nodeName: "node-a");
        await smtp.WaitForMessagesAsync(20, Patience);

        await first.DisposeAsync();
        var afterStop = await LeasedByAsync(database, "node-a");
        await using var second = await RelayNodeHost.StartAsync(database, smtp, senders: 2, nodeName: "node-b");

        Assert.Equal(0, afterStop);
        await AwaitAssertAsync(
            async () => Assert.Equal(300, await QueueAssertions.CountAsync(database, EmailStatus.Sent)), Patience);
        Assert.All(rows, r => Assert.Equal(1, smtp.CountFor(RecipientList.Split(r.Recipients)[0])));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_recover_the_leases_of_a_node_that_died_without_releasing_them(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        await using var smtp = new DevSmtpServer();
        await smtp.StartAsync();
        var rows = Enumerable.Range(0, 50).Select(i => TestEmails.Build(to: $"user{i}@example.com")).ToList();
        await TestEmails.InsertAsync(database, rows);
        // A node that claimed rows and then vanished: its leases have lapsed.
        await using (var db = database.Connect())
        {
            var lapsed = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();
            await db.Emails.Where(e => e.Subject == "Hello")
                .Set(e => e.Status, EmailStatus.Sending)
                .Set(e => e.LeaseOwner, "dead-node")
                .Set(e => e.LeaseExpiresAt, lapsed)
                .UpdateAsync();
        }

        await using var node = await RelayNodeHost.StartAsync(database, smtp, nodeName: "node-b");

        await AwaitAssertAsync(
            async () => Assert.Equal(50, await QueueAssertions.CountAsync(database, EmailStatus.Sent)), Patience);
        Assert.Equal(50, smtp.MessageCount);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_finish_the_send_in_flight_and_release_the_rest_when_stopped_gracefully(
        RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        await using var smtp = new DevSmtpServer();
        await smtp.StartAsync();
        smtp.Script.DelayDataReply(TimeSpan.FromMilliseconds(300));
        var rows = Enumerable.Range(0, 40).Select(i => TestEmails.Build(to: $"user{i}@example.com")).ToList();
        await TestEmails.InsertAsync(database, rows);
        var node = await RelayNodeHost.StartAsync(database, smtp, senders: 2, nodeName: "node-a");
        await smtp.WaitForMessagesAsync(2, Patience);

        await node.StopAsync();

        await using var db = database.Connect();
        var byStatus = await db.Emails.GroupBy(e => e.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync();
        Assert.DoesNotContain(byStatus, s => s.Key == EmailStatus.Sending);
        var sent = byStatus.SingleOrDefault(s => s.Key == EmailStatus.Sent)?.Count ?? 0;
        Assert.Equal(smtp.MessageCount, sent);
        Assert.Equal(40 - sent, byStatus.SingleOrDefault(s => s.Key == EmailStatus.Queued)?.Count ?? 0);
        Assert.Equal(0, await db.Emails.CountAsync(e => e.LeaseOwner != null));
        await node.DisposeAsync();
    }

    private static async Task<int> LeasedByAsync(RelayDatabase database, string owner)
    {
        await using var db = database.Connect();
        return await db.Emails.CountAsync(e => e.LeaseOwner == owner);
    }
}
