using Npgsql;
using Relay.Client.Tests.Support;
using Relay.Shared.Queue;
using Relay.TestKit;

namespace Relay.Client.Tests;

/// <summary>
/// The PostgreSQL statement trigger notifies the node's poller when emails commit, but only while a
/// node waits for work (holds the doorbell lock): otherwise every enqueue would pay for it.
/// </summary>
public sealed class NotifySpecs
{
    private static readonly TimeSpan NotifyTimeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Should_notify_the_channel_when_an_enqueue_commits_while_a_node_waits()
    {
        var database = await TestDatabases.CreateAsync(RelayDatabaseProvider.PostgreSql);
        var queue = TestQueues.Create(database);
        await using var listener = await Listener.StartAsync(database, holdDoorbell: true);

        await queue.EnqueueAsync(SampleMessages.Outgoing());

        Assert.Equal(QueueSchema.NotifyChannel, (await listener.NextAsync()).Channel);
    }

    [Fact]
    public async Task Should_notify_the_channel_when_a_bulk_batch_commits_while_a_node_waits()
    {
        var database = await TestDatabases.CreateAsync(RelayDatabaseProvider.PostgreSql);
        var queue = TestQueues.Create(database);
        await using var listener = await Listener.StartAsync(database, holdDoorbell: true);

        await queue.EnqueueManyAsync([SampleMessages.Simple(), SampleMessages.Simple()]);

        Assert.Equal(QueueSchema.NotifyChannel, (await listener.NextAsync()).Channel);
    }

    [Fact]
    public async Task Should_not_notify_when_the_callers_transaction_rolls_back()
    {
        var database = await TestDatabases.CreateAsync(RelayDatabaseProvider.PostgreSql);
        var queue = TestQueues.Create(database);
        await using var listener = await Listener.StartAsync(database, holdDoorbell: true);

        await EnqueueOnOwnConnectionAsync(database, queue, commit: false);
        var committed = await EnqueueOnOwnConnectionAsync(database, queue, commit: true);

        // Notifications arrive in commit order: had the rolled-back enqueue notified, its
        // notification would be the first to arrive.
        Assert.Equal(committed, (await listener.NextAsync()).PID);
    }

    [Fact]
    public async Task Should_not_notify_while_no_node_waits_for_work()
    {
        var database = await TestDatabases.CreateAsync(RelayDatabaseProvider.PostgreSql);
        var queue = TestQueues.Create(database);
        await using var listener = await Listener.StartAsync(database, holdDoorbell: false);

        await EnqueueOnOwnConnectionAsync(database, queue, commit: true);
        await listener.HoldDoorbellAsync();
        var whileWaiting = await EnqueueOnOwnConnectionAsync(database, queue, commit: true);

        Assert.Equal(whileWaiting, (await listener.NextAsync()).PID);
    }

    // Enqueues in a transaction of a connection of the test's own, and returns its backend's process id.
    private static async Task<int> EnqueueOnOwnConnectionAsync(RelayDatabase database, IRelayQueue queue, bool commit)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await queue.WithTransaction(transaction).EnqueueAsync(SampleMessages.Outgoing());
        if (commit)
        {
            await transaction.CommitAsync();
        }
        else
        {
            await transaction.RollbackAsync();
        }

        return connection.ProcessID;
    }

    /// <summary>A connection that LISTENs like a node and, when asked, holds the doorbell like a waiting one.</summary>
    private sealed class Listener : IAsyncDisposable
    {
        private readonly NpgsqlConnection _connection;
        private readonly Queue<NpgsqlNotificationEventArgs> _received = new();

        private Listener(NpgsqlConnection connection)
        {
            _connection = connection;
            _connection.Notification += (_, e) => _received.Enqueue(e);
        }

        public static async Task<Listener> StartAsync(RelayDatabase database, bool holdDoorbell)
        {
            var connection = new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync();
            var listener = new Listener(connection);
            await listener.ExecuteAsync($"LISTEN {QueueSchema.NotifyChannel}");
            if (holdDoorbell)
            {
                await listener.HoldDoorbellAsync();
            }

            return listener;
        }

        public Task HoldDoorbellAsync() => ExecuteAsync(
            $"SELECT pg_advisory_lock({QueueSchema.DoorbellLockClass}, {QueueSchema.DoorbellLockId})");

        public async Task<NpgsqlNotificationEventArgs> NextAsync()
        {
            while (_received.Count == 0)
            {
                Assert.True(await _connection.WaitAsync(NotifyTimeout), "no notification arrived");
            }

            return _received.Dequeue();
        }

        public ValueTask DisposeAsync() => _connection.DisposeAsync();

        private async Task ExecuteAsync(string sql)
        {
            await using var command = new NpgsqlCommand(sql, _connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
