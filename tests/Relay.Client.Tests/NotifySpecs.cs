using Npgsql;
using Relay.Client.Tests.Support;
using Relay.Shared.Queue;
using Relay.TestKit;

namespace Relay.Client.Tests;

/// <summary>The PostgreSQL statement trigger wakes the node's poller when emails commit.</summary>
public sealed class NotifySpecs
{
    private static readonly TimeSpan NotifyTimeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Should_notify_the_channel_when_an_enqueue_commits()
    {
        var database = await TestDatabases.CreateAsync(RelayDatabaseProvider.PostgreSql);
        var queue = TestQueues.Create(database);
        var (listener, received) = await ListenAsync(database);
        await using var scope = listener;

        await queue.EnqueueAsync(SampleMessages.Outgoing());

        Assert.True(await listener.WaitAsync(NotifyTimeout), "no notification arrived");
        Assert.Equal([QueueSchema.NotifyChannel], received);
    }

    [Fact]
    public async Task Should_notify_the_channel_when_a_bulk_batch_commits()
    {
        var database = await TestDatabases.CreateAsync(RelayDatabaseProvider.PostgreSql);
        var queue = TestQueues.Create(database);
        var (listener, received) = await ListenAsync(database);
        await using var scope = listener;

        await queue.EnqueueManyAsync([SampleMessages.Simple(), SampleMessages.Simple()]);

        Assert.True(await listener.WaitAsync(NotifyTimeout), "no notification arrived");
        Assert.Equal([QueueSchema.NotifyChannel], received);
    }

    [Fact]
    public async Task Should_not_notify_when_the_callers_transaction_rolls_back()
    {
        var database = await TestDatabases.CreateAsync(RelayDatabaseProvider.PostgreSql);
        var queue = TestQueues.Create(database);
        var (listener, received) = await ListenAsync(database);
        await using var scope = listener;
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await queue.WithTransaction(transaction).EnqueueAsync(SampleMessages.Outgoing());
            await transaction.RollbackAsync();
        }

        // Notifications arrive in commit order: had the rolled-back enqueue notified, its
        // notification would arrive before this committed one's, and two would be counted.
        await queue.EnqueueAsync(SampleMessages.Outgoing());

        Assert.True(await listener.WaitAsync(NotifyTimeout), "no notification arrived");
        Assert.Single(received);
    }

    private static async Task<(NpgsqlConnection Listener, List<string> Received)> ListenAsync(RelayDatabase database)
    {
        var listener = new NpgsqlConnection(database.ConnectionString);
        await listener.OpenAsync();
        var received = new List<string>();
        listener.Notification += (_, e) => received.Add(e.Channel);
        await using var command = new NpgsqlCommand($"LISTEN {QueueSchema.NotifyChannel}", listener);
        await command.ExecuteNonQueryAsync();
        return (listener, received);
    }
}
