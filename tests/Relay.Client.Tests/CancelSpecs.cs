using Relay.Client.Tests.Support;
using Relay.Shared.Queue;
using Relay.TestKit;

namespace Relay.Client.Tests;

public sealed class CancelSpecs
{
    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_cancel_when_the_email_is_still_queued(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var clock = TestQueues.NewClock();
        var queue = TestQueues.Create(database, clock: clock);
        var id = await queue.EnqueueAsync(SampleMessages.Outgoing());
        clock.Advance(TimeSpan.FromMinutes(1));

        var result = await queue.CancelAsync(id);

        Assert.Equal(CancelResult.Cancelled, result);
        var row = await StoredEmails.ReadAsync(database, id);
        Assert.Equal(EmailStatus.Cancelled, row.Status);
        Assert.Equal(clock.GetUtcNow().ToUnixTimeMilliseconds(), row.UpdatedAt);
        Assert.Equal(EmailStatus.Cancelled, (await queue.GetStatusAsync(id))!.Status);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_cancel_when_the_email_is_deferred(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var queue = TestQueues.Create(database);
        var id = await queue.EnqueueAsync(SampleMessages.Outgoing());
        await StoredEmails.SetStatusAsync(database, id, EmailStatus.Deferred);

        Assert.Equal(CancelResult.Cancelled, await queue.CancelAsync(id));
        Assert.Equal(EmailStatus.Cancelled, (await StoredEmails.ReadAsync(database, id)).Status);
    }

    [Theory]
    [MemberData(nameof(FinishedOrBusy))]
    public async Task Should_report_why_and_change_nothing_when_the_email_is_sending_or_finished(
        RelayDatabaseProvider provider,
        EmailStatus status,
        CancelResult expected)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var clock = TestQueues.NewClock();
        var queue = TestQueues.Create(database, clock: clock);
        var id = await queue.EnqueueAsync(SampleMessages.Outgoing());
        await StoredEmails.SetStatusAsync(database, id, status);
        var before = await StoredEmails.ReadAsync(database, id);
        clock.Advance(TimeSpan.FromMinutes(1));

        var result = await queue.CancelAsync(id);

        Assert.Equal(expected, result);
        var after = await StoredEmails.ReadAsync(database, id);
        Assert.Equal(status, after.Status);
        Assert.Equal(before.UpdatedAt, after.UpdatedAt);
        Assert.Equal(before.LeaseOwner, after.LeaseOwner);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_report_already_cancelled_when_cancelled_twice(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var queue = TestQueues.Create(database);
        var id = await queue.EnqueueAsync(SampleMessages.Outgoing());

        await queue.CancelAsync(id);
        var second = await queue.CancelAsync(id);

        Assert.Equal(CancelResult.AlreadyCancelled, second);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_report_not_found_when_the_id_is_unknown(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var queue = TestQueues.Create(database);

        Assert.Equal(CancelResult.NotFound, await queue.CancelAsync(Guid.CreateVersion7()));
    }

    public static IEnumerable<object[]> FinishedOrBusy() =>
        from providerRow in TestDatabases.Providers
        from pair in new (EmailStatus Status, CancelResult Result)[]
        {
            (EmailStatus.Sending, CancelResult.AlreadySending),
            (EmailStatus.Sent, CancelResult.AlreadySent),
            (EmailStatus.Failed, CancelResult.AlreadyFailed),
        }
        select new object[] { providerRow[0], pair.Status, pair.Result };
}
