using Relay.Client.Tests.Support;
using Relay.Shared.Queue;
using Relay.TestKit;

namespace Relay.Client.Tests;

public sealed class EnqueueManySpecs
{
    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_store_every_message_in_order_when_a_batch_is_enqueued(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var queue = TestQueues.Create(database);
        var messages = Enumerable.Range(0, 50).Select(i => SampleMessages.Simple($"Newsletter {i}")).ToList();
        var emails = messages.Select(m => new EmailToQueue(m, new EnqueueOptions { Priority = EmailPriority.Low }));

        var ids = await queue.EnqueueManyAsync(emails);

        Assert.Equal(50, ids.Count);
        Assert.Equal(50, ids.Distinct().Count());
        Assert.Equal(50, await StoredEmails.CountAsync(database));
        for (var i = 0; i < messages.Count; i++)
        {
            var row = await StoredEmails.ReadAsync(database, ids[i]);
            Assert.Equal(EmailPriority.Low, row.Priority);
            Assert.Equal(EmailStatus.Queued, row.Status);
            MimeAssert.Equivalent(messages[i], await StoredEmails.LoadMimeAsync(database, ids[i]));
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_fill_every_column_the_node_reads_when_a_batch_is_enqueued(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var clock = TestQueues.NewClock();
        var queue = TestQueues.Create(database, clock: clock);
        var notBefore = clock.GetUtcNow().AddHours(1);
        var expiresAt = clock.GetUtcNow().AddDays(1);
        var options = new EnqueueOptions
        {
            Priority = EmailPriority.High,
            NotBefore = notBefore,
            ExpiresAt = expiresAt,
        };
        var keyed = new EnqueueOptions
        {
            Priority = EmailPriority.High,
            NotBefore = notBefore,
            ExpiresAt = expiresAt,
            IdempotencyKey = "receipt-1",
        };
        var messages = new[] { SampleMessages.Simple("Receipt"), SampleMessages.Simple("Receipt") };

        var ids = await queue.EnqueueManyAsync(
            [new EmailToQueue(messages[0], options), new EmailToQueue(messages[1], keyed)]);

        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        for (var i = 0; i < ids.Count; i++)
        {
            var row = await StoredEmails.ReadAsync(database, ids[i]);
            Assert.Equal(7, ids[i].Version);
            Assert.Equal(TestQueues.Source, row.Source);
            Assert.Equal(i == 0 ? null : "receipt-1", row.IdempotencyKey);
            Assert.Equal(EmailPriority.High, row.Priority);
            Assert.Equal(EmailStatus.Queued, row.Status);
            Assert.Equal("shop@example.com", row.EnvelopeFrom);
            Assert.Equal(["ann@example.com"], RecipientList.Split(row.Recipients));
            Assert.Null(row.PendingRecipients);
            Assert.Equal("Receipt", row.Subject);
            Assert.Equal(row.Mime.Length, row.Size);
            Assert.Equal(messages[i].MessageId, row.MessageId);
            Assert.Equal(0, row.Attempts);
            Assert.Equal(notBefore.ToUnixTimeMilliseconds(), row.NextAttemptAt);
            Assert.Equal(expiresAt.ToUnixTimeMilliseconds(), row.ExpiresAt);
            Assert.Null(row.LeaseOwner);
            Assert.Null(row.LeaseExpiresAt);
            Assert.Null(row.LastError);
            Assert.Null(row.RejectedRecipients);
            Assert.Equal(now, row.CreatedAt);
            Assert.Equal(now, row.UpdatedAt);
            Assert.Null(row.SentAt);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_store_nothing_when_one_message_of_the_batch_is_invalid(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var queue = TestQueues.Create(database);
        var bad = SampleMessages.Simple();
        bad.To.Clear();

        var error = await Assert.ThrowsAsync<RelayEnqueueException>(() => queue.EnqueueManyAsync(
            [SampleMessages.Simple(), bad, SampleMessages.Simple()]));

        Assert.Equal("[1].To", error.Field);
        Assert.Contains("no recipients", error.Message);
        Assert.Equal(0, await StoredEmails.CountAsync(database));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_return_existing_ids_when_batch_keys_are_already_queued(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var queue = TestQueues.Create(database);
        var existing = await queue.EnqueueAsync(SampleMessages.Simple(), new EnqueueOptions { IdempotencyKey = "a" });

        var ids = await queue.EnqueueManyAsync(
        [
            new EmailToQueue(SampleMessages.Simple(), new EnqueueOptions { IdempotencyKey = "a" }),
            new EmailToQueue(SampleMessages.Simple()),
            new EmailToQueue(SampleMessages.Simple(), new EnqueueOptions { IdempotencyKey = "b" }),
            new EmailToQueue(SampleMessages.Simple(), new EnqueueOptions { IdempotencyKey = "b" }),
        ]);

        Assert.Equal(existing, ids[0]);
        Assert.NotEqual(existing, ids[1]);
        Assert.Equal(ids[2], ids[3]);
        Assert.Equal(3, await StoredEmails.CountAsync(database));
    }

    [Fact]
    public async Task Should_refuse_one_idempotency_key_for_a_whole_batch()
    {
        var database = await TestDatabases.CreateAsync(RelayDatabaseProvider.Sqlite);
        var queue = TestQueues.Create(database);

        var error = await Assert.ThrowsAsync<RelayEnqueueException>(() => queue.EnqueueManyAsync(
            [SampleMessages.Simple()], new EnqueueOptions { IdempotencyKey = "same" }));

        Assert.Equal("IdempotencyKey", error.Field);
    }
}
