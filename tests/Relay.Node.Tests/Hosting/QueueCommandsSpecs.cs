using Relay.Node.Hosting;
using Relay.Shared.Queue;
using Relay.TestKit;

namespace Relay.Node.Tests.Hosting;

public sealed class QueueCommandsSpecs
{
    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_show_counts_per_status_and_the_latest_failures(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var failed = TestEmails.Finished(EmailStatus.Failed, DateTimeOffset.UtcNow);
        failed.LastError = "554 message refused";
        await TestEmails.InsertAsync(database, [failed, TestEmails.Build(), TestEmails.Build()]);
        var output = new StringWriter();

        var exit = await QueueCommands.StatusAsync(database, 20, output, default);

        Assert.Equal(0, exit);
        var text = output.ToString();
        Assert.Matches(@"Queued\s+2", text);
        Assert.Matches(@"Failed\s+1", text);
        Assert.Contains(failed.Id.ToString(), text);
        Assert.Contains("554 message refused", text);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_queue_a_failed_email_again_with_fresh_attempts(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var failed = TestEmails.Finished(EmailStatus.Failed, DateTimeOffset.UtcNow.AddDays(-1));
        failed.Attempts = 20;
        failed.NextAttemptAt = DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeMilliseconds();
        await TestEmails.InsertAsync(database, [failed]);

        var exit = await QueueCommands.RetryAsync(database, failed.Id, new StringWriter(), default);

        Assert.Equal(0, exit);
        var row = await TestEmails.ReadAsync(database, failed.Id);
        Assert.Equal((EmailStatus.Queued, 0), (row.Status, row.Attempts));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_refuse_to_retry_a_sent_or_unknown_email(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var sent = TestEmails.Finished(EmailStatus.Sent, DateTimeOffset.UtcNow);
        await TestEmails.InsertAsync(database, [sent]);
        var output = new StringWriter();

        Assert.Equal(1, await QueueCommands.RetryAsync(database, sent.Id, output, default));
        Assert.Equal(1, await QueueCommands.RetryAsync(database, Guid.NewGuid(), output, default));

        Assert.Contains("only failed or deferred", output.ToString());
        Assert.Equal(EmailStatus.Sent, (await TestEmails.ReadAsync(database, sent.Id)).Status);
    }
}
