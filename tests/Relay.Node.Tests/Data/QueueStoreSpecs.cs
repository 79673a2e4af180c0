using LinqToDB;
using LinqToDB.Async;
using Relay.Node.Data;
using Relay.Node.Delivery;
using Relay.Shared.Queue;
using Relay.TestKit;

namespace Relay.Node.Tests.Data;

public sealed class QueueStoreSpecs
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_claim_high_priority_first_then_oldest_due_when_rows_are_ready(
        RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var now = DateTimeOffset.UtcNow;
        var lowOld = TestEmails.Build(
            subject: "low",
            priority: EmailPriority.Low,
            nextAttemptAt: Ms(now.AddMinutes(-10)));
        var normal = TestEmails.Build(subject: "normal", nextAttemptAt: Ms(now.AddMinutes(-1)));
        var highNew = TestEmails.Build(subject: "high", priority: EmailPriority.High, nextAttemptAt: Ms(now));
        var future = TestEmails.Build(
            subject: "future",
            priority: EmailPriority.High,
            nextAttemptAt: Ms(now.AddHours(1)));
        await TestEmails.InsertAsync(database, [lowOld, normal, highNew, future]);
        var store = new QueueStore(database);

        var claimed = await store.ClaimAsync("node-a", 10, now, Lease, default);

        Assert.Equal([highNew.Id, normal.Id, lowOld.Id], claimed.Select(c => c.Id));
        var row = await TestEmails.ReadAsync(database, highNew.Id);
        Assert.Equal(EmailStatus.Sending, row.Status);
        Assert.Equal("node-a", row.LeaseOwner);
        Assert.Equal(Ms(now + Lease), row.LeaseExpiresAt);
        Assert.Equal(EmailStatus.Queued, (await TestEmails.ReadAsync(database, future.Id)).Status);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_claim_no_more_than_the_limit_and_never_a_leased_row_twice(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        await TestEmails.InsertAsync(database, Enumerable.Range(0, 5).Select(i => TestEmails.Build(subject: $"m{i}")));
        var store = new QueueStore(database);

        var first = await store.ClaimAsync("node-a", 3, DateTimeOffset.UtcNow, Lease, default);
        var second = await store.ClaimAsync("node-b", 10, DateTimeOffset.UtcNow, Lease, default);

        Assert.Equal(3, first.Count);
        Assert.Equal(2, second.Count);
        Assert.Empty(first.Select(c => c.Id).Intersect(second.Select(c => c.Id)));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_give_each_row_to_one_claimer_when_four_claim_at_once(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        await TestEmails.InsertAsync(
            database,
            Enumerable.Range(0, 400).Select(i => TestEmails.Build(subject: $"m{i}")));
        var store = new QueueStore(database);

        var claims = await Task.WhenAll(Enumerable.Range(0, 4).Select(n => Task.Run(async () =>
        {
            var mine = new List<Guid>();
            while (true)
            {
                var batch = await store.ClaimAsync($"node-{n}", 17, DateTimeOffset.UtcNow, Lease, default);
                if (batch.Count == 0)
                {
                    return mine;
                }

                mine.AddRange(batch.Select(b => b.Id));
            }
        })));

        var all = claims.SelectMany(c => c).ToList();
        Assert.Equal(400, all.Count);
        Assert.Equal(400, all.Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_store_each_kind_of_outcome_with_its_attempt_history(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var rows = Enumerable.Range(0, 4).Select(i => TestEmails.Build(subject: $"m{i}")).ToList();
        await TestEmails.InsertAsync(database, rows);
        var store = new QueueStore(database);
        var claimed = await store.ClaimAsync("node-a", 10, DateTimeOffset.UtcNow, Lease, default);
        var byId = claimed.ToDictionary(c => c.Id);
        var now = DateTimeOffset.UtcNow;
        var next = Ms(now.AddMinutes(2));
        EmailOutcome[] outcomes =
        [
            new(
                rows[0].Id,
                EmailStatus.Sent,
                true,
                null,
                null,
                null,
                null,
                Ms(now),
                AttemptOutcome.Delivered,
                250,
                "accepted"),
            new(
                rows[1].Id,
                EmailStatus.Deferred,
                true,
                next,
                "451 busy",
                null,
                null,
                null,
                AttemptOutcome.Deferred,
                451,
                "451 busy"),
            new(
                rows[2].Id,
                EmailStatus.Failed,
                true,
                null,
                "554 no",
                null,
                null,
                null,
                AttemptOutcome.Failed,
                554,
                "554 no"),
            RetryPolicy.Requeue(byId[rows[3].Id], "connection refused"),
        ];

        var written = await store.WriteOutcomesAsync("node-a", outcomes, now, default);

        Assert.Equal(4, written);
        var sent = await TestEmails.ReadAsync(database, rows[0].Id);
        Assert.Equal(
            (EmailStatus.Sent, 1, Ms(now), (string?)null),
            (sent.Status, sent.Attempts, sent.SentAt, sent.LeaseOwner));
        var deferred = await TestEmails.ReadAsync(database, rows[1].Id);
        Assert.Equal(
            (EmailStatus.Deferred, 1, next, "451 busy"),
            (deferred.Status, deferred.Attempts, deferred.NextAttemptAt, deferred.LastError));
        var failed = await TestEmails.ReadAsync(database, rows[2].Id);
        Assert.Equal((EmailStatus.Failed, 1), (failed.Status, failed.Attempts));
        var requeued = await TestEmails.ReadAsync(database, rows[3].Id);
        Assert.Equal((EmailStatus.Queued, 0, (string?)null), (requeued.Status, requeued.Attempts, requeued.LeaseOwner));
        await using var db = database.Connect();
        var history = await db.Attempts.OrderBy(a => a.SmtpCode).ToListAsync();
        Assert.Equal([250, 451, 554], history.Select(a => a.SmtpCode ?? 0));
        Assert.All(history, a => Assert.Equal("node-a", a.Node));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_ignore_an_outcome_when_another_node_took_the_lease_over(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var row = TestEmails.Build();
        await TestEmails.InsertAsync(database, [row]);
        var store = new QueueStore(database);
        var start = DateTimeOffset.UtcNow;
        await store.ClaimAsync("node-a", 1, start, TimeSpan.FromSeconds(10), default);
        await store.ReturnExpiredLeasesAsync(start.AddMinutes(1), default);
        await store.ClaimAsync("node-b", 1, start.AddMinutes(1), Lease, default);

        var written = await store.WriteOutcomesAsync(
            "node-a",
            [new(row.Id, EmailStatus.Sent, true, null, null, null, null, 1, AttemptOutcome.Delivered, 250, "ok")],
            start.AddMinutes(1),
            default);

        Assert.Equal(0, written);
        var stored = await TestEmails.ReadAsync(database, row.Id);
        Assert.Equal((EmailStatus.Sending, "node-b"), (stored.Status, stored.LeaseOwner));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_return_only_lapsed_leases_to_the_queue(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var rows = new[] { TestEmails.Build(subject: "a"), TestEmails.Build(subject: "b") };
        await TestEmails.InsertAsync(database, rows);
        var store = new QueueStore(database);
        var start = DateTimeOffset.UtcNow;
        await store.ClaimAsync("dead-node", 1, start, TimeSpan.FromSeconds(10), default);
        await store.ClaimAsync("live-node", 1, start, Lease, default);

        var returned = await store.ReturnExpiredLeasesAsync(start.AddSeconds(30), default);

        Assert.Equal(1, returned);
        await using var db = database.Connect();
        var statuses = await db.Emails.Select(e => new { e.Status, e.LeaseOwner }).ToListAsync();
        Assert.Contains(statuses, s => s.Status == EmailStatus.Queued && s.LeaseOwner == null);
        Assert.Contains(statuses, s => s.Status == EmailStatus.Sending && s.LeaseOwner == "live-node");
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_prune_only_finished_rows_past_retention_with_their_history(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var now = DateTimeOffset.UtcNow;
        var oldSent = TestEmails.Finished(EmailStatus.Sent, now.AddDays(-8));
        var newSent = TestEmails.Finished(EmailStatus.Sent, now.AddDays(-1));
        var oldFailed = TestEmails.Finished(EmailStatus.Failed, now.AddDays(-8));
        var queued = TestEmails.Build();
        queued.UpdatedAt = Ms(now.AddDays(-20));
        await TestEmails.InsertAsync(database, [oldSent, newSent, oldFailed, queued]);
        await using (var db = database.Connect())
        {
            await db.InsertAsync(new AttemptRow
            {
                EmailId = oldSent.Id,
                AttemptedAt = 1,
                Node = "n",
                Outcome = AttemptOutcome.Delivered,
            });
            await db.InsertAsync(new AttemptRow
            {
                EmailId = newSent.Id,
                AttemptedAt = 1,
                Node = "n",
                Outcome = AttemptOutcome.Delivered,
            });
        }

        var store = new QueueStore(database);

        var pruned = await store.PruneAsync([EmailStatus.Sent], now.AddDays(-7), batchSize: 1, default);

        Assert.Equal(1, pruned);
        await using var check = database.Connect();
        Assert.Equal(
            new[] { newSent.Id, oldFailed.Id, queued.Id }.Order(),
            (await check.Emails.Select(e => e.Id).ToListAsync()).Order());
        Assert.Equal([newSent.Id], await check.Attempts.Select(a => a.EmailId).ToListAsync());
    }

    private static long Ms(DateTimeOffset time) => time.ToUnixTimeMilliseconds();
}
