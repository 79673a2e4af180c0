using Relay.Client.Tests.Support;
using Relay.Shared.Queue;
using Relay.TestKit;

namespace Relay.Client.Tests;

public sealed class IdempotencySpecs
{
    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_return_the_first_id_and_store_nothing_new_when_a_key_is_repeated(
        RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var queue = TestQueues.Create(database);
        var options = new EnqueueOptions { IdempotencyKey = "order-42-receipt" };

        var first = await queue.EnqueueAsync(SampleMessages.Outgoing("First"), options);
        var second = await queue.EnqueueAsync(SampleMessages.Simple("Second"), options);

        Assert.Equal(first, second);
        Assert.Equal(1, await StoredEmails.CountAsync(database));
        var row = await StoredEmails.ReadAsync(database, first);
        Assert.Equal("First", row.Subject);
        Assert.Equal("order-42-receipt", row.IdempotencyKey);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_return_one_id_for_all_when_the_same_key_is_enqueued_concurrently(
        RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var queues = Enumerable.Range(0, 8).Select(_ => TestQueues.Create(database)).ToList();
        var options = new EnqueueOptions { IdempotencyKey = "signup-7" };

        var ids = await Task.WhenAll(queues.Select(queue =>
            Task.Run(() => queue.EnqueueAsync(SampleMessages.Outgoing(), options))));

        Assert.Single(ids.Distinct());
        Assert.Equal(1, await StoredEmails.CountAsync(database));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_store_both_when_two_sources_use_the_same_key(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var shop = TestQueues.Create(database, o => o.Source = "shop");
        var billing = TestQueues.Create(database, o => o.Source = "billing");
        var options = new EnqueueOptions { IdempotencyKey = "42" };

        var fromShop = await shop.EnqueueAsync(SampleMessages.Outgoing(), options);
        var fromBilling = await billing.EnqueueAsync(SampleMessages.Outgoing(), options);

        Assert.NotEqual(fromShop, fromBilling);
        Assert.Equal(2, await StoredEmails.CountAsync(database));
    }
}
