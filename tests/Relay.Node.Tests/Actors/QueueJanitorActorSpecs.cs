using Akka.Actor;
using LinqToDB;
using LinqToDB.Async;
using Relay.Node.Actors.Janitor;
using Relay.Node.Data;
using Relay.Node.Options;
using Relay.Shared.Queue;
using Relay.TestKit;
using Xunit.Abstractions;

namespace Relay.Node.Tests.Actors;

public sealed class QueueJanitorActorSpecs : Akka.TestKit.Xunit2.TestKit
{
    public QueueJanitorActorSpecs(ITestOutputHelper output)
        : base(output: output)
    {
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_prune_sent_and_failed_rows_by_their_own_retention(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var now = DateTimeOffset.UtcNow;
        var sent8Days = TestEmails.Finished(EmailStatus.Sent, now.AddDays(-8));
        var sent1Day = TestEmails.Finished(EmailStatus.Sent, now.AddDays(-1));
        var failed8Days = TestEmails.Finished(EmailStatus.Failed, now.AddDays(-8));
        var cancelled31Days = TestEmails.Finished(EmailStatus.Cancelled, now.AddDays(-31));
        var deferredOld = TestEmails.Finished(EmailStatus.Deferred, now.AddDays(-60));
        await TestEmails.InsertAsync(database, [sent8Days, sent1Day, failed8Days, cancelled31Days, deferredOld]);

        var janitor = Sys.ActorOf(JanitorProps(database, new JanitorOptions()));
        var pruned = await janitor.Ask<Pruned>(PruneNow.Instance, TimeSpan.FromSeconds(10));

        Assert.Equal(new Pruned(1, 1), pruned);
        Assert.Equal(
            new[] { sent1Day.Id, failed8Days.Id, deferredOld.Id }.Order(),
            await RemainingAsync(database));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_prune_at_once_with_zero_retention_and_keep_forever_without_one(
        RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var justSent = TestEmails.Finished(EmailStatus.Sent, DateTimeOffset.UtcNow.AddSeconds(-1));
        var ancientFailure = TestEmails.Finished(EmailStatus.Failed, DateTimeOffset.UtcNow.AddYears(-5));
        await TestEmails.InsertAsync(database, [justSent, ancientFailure]);
        var options = new JanitorOptions { RetainSentFor = TimeSpan.Zero, KeepFailedForever = true };

        var janitor = Sys.ActorOf(JanitorProps(database, options));
        var pruned = await janitor.Ask<Pruned>(PruneNow.Instance, TimeSpan.FromSeconds(10));

        Assert.Equal(new Pruned(1, 0), pruned);
        Assert.Equal([ancientFailure.Id], await RemainingAsync(database));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_keep_sent_emails_forever_when_told_to_while_pruning_failed_ones(
        RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var ancientSent = TestEmails.Finished(EmailStatus.Sent, DateTimeOffset.UtcNow.AddYears(-5));
        var justFailed = TestEmails.Finished(EmailStatus.Failed, DateTimeOffset.UtcNow.AddSeconds(-1));
        var justCancelled = TestEmails.Finished(EmailStatus.Cancelled, DateTimeOffset.UtcNow.AddSeconds(-1));
        await TestEmails.InsertAsync(database, [ancientSent, justFailed, justCancelled]);
        var options = new JanitorOptions { KeepSentForever = true, RetainFailedFor = TimeSpan.Zero, BatchSize = 1 };

        var janitor = Sys.ActorOf(JanitorProps(database, options));
        var pruned = await janitor.Ask<Pruned>(PruneNow.Instance, TimeSpan.FromSeconds(10));

        Assert.Equal(new Pruned(0, 2), pruned);
        Assert.Equal([ancientSent.Id], await RemainingAsync(database));
    }

    private static Props JanitorProps(RelayDatabase database, JanitorOptions options)
    {
        options.PruneInterval = TimeSpan.FromHours(1);
        var store = new QueueStore(database);
        return Props.Create(() => new QueueJanitorActor(store, options, TimeProvider.System));
    }

    private static async Task<IEnumerable<Guid>> RemainingAsync(RelayDatabase database)
    {
        await using var db = database.Connect();
        return (await db.Emails.Select(e => e.Id).ToListAsync()).Order();
    }
}
