using LinqToDB;
using Relay.Client.Tests.Support;
using Relay.Shared.Queue;
using Relay.TestKit;

namespace Relay.Client.Tests;

public sealed class StatusSpecs
{
    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_return_null_when_the_id_is_unknown(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var queue = TestQueues.Create(database);

        Assert.Null(await queue.GetStatusAsync(Guid.CreateVersion7()));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_report_queued_with_its_schedule_when_just_enqueued(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var clock = TestQueues.NewClock();
        var queue = TestQueues.Create(database, clock: clock);
        var notBefore = clock.GetUtcNow().AddMinutes(30);
        var expiresAt = clock.GetUtcNow().AddHours(3);

        var id = await queue.EnqueueAsync(
            SampleMessages.Outgoing("Welcome"),
            new EnqueueOptions { NotBefore = notBefore, ExpiresAt = expiresAt });
        var report = await queue.GetStatusAsync(id);

        Assert.NotNull(report);
        Assert.Equal(id, report.Id);
        Assert.Equal(EmailStatus.Queued, report.Status);
        Assert.Equal(0, report.Attempts);
        Assert.Equal(notBefore, report.NextAttemptAt);
        Assert.Equal(expiresAt, report.ExpiresAt);
        Assert.Equal(clock.GetUtcNow(), report.CreatedAt);
        Assert.Null(report.SentAt);
        Assert.Null(report.LastError);
        Assert.Empty(report.RejectedRecipients);
        Assert.Equal("Welcome", report.Subject);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_report_what_the_node_recorded_when_the_email_was_sent(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var queue = TestQueues.Create(database);
        var id = await queue.EnqueueAsync(SampleMessages.Outgoing());
        var sentAt = new DateTimeOffset(2030, 1, 2, 4, 0, 0, TimeSpan.Zero);
        RejectedRecipient[] rejected = [new("gone@example.com", 550, "5.1.1 User unknown")];
        await using (var db = database.Connect())
        {
            await db.Emails.Where(e => e.Id == id)
                .Set(e => e.Status, EmailStatus.Sent)
                .Set(e => e.Attempts, 2)
                .Set(e => e.SentAt, sentAt.ToUnixTimeMilliseconds())
                .Set(e => e.LastError, "451 4.7.1 Try again later")
                .Set(e => e.RejectedRecipients, RejectedRecipientList.Append(null, rejected))
                .UpdateAsync();
        }

        var report = await queue.GetStatusAsync(id);

        Assert.NotNull(report);
        Assert.Equal(EmailStatus.Sent, report.Status);
        Assert.Equal(2, report.Attempts);
        Assert.Null(report.NextAttemptAt);
        Assert.Equal(sentAt, report.SentAt);
        Assert.Equal("451 4.7.1 Try again later", report.LastError);
        Assert.Equal(rejected, report.RejectedRecipients);
    }
}
