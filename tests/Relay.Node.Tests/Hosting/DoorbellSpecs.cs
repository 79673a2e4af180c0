using System.Threading.Channels;
using LinqToDB;
using LinqToDB.Data;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Relay.Node.Actors.Polling;
using Relay.Node.Hosting;
using Relay.Shared.Queue;
using Relay.TestKit;

namespace Relay.Node.Tests.Hosting;

/// <summary>
/// The node's PostgreSQL wake-up: writers notify only while a node holds or waits for the doorbell
/// lock, and a node that takes it has every earlier writer's email within its next claim.
/// </summary>
public sealed class DoorbellSpecs : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private static readonly string DoorbellArgs = $"{QueueSchema.DoorbellLockClass}, {QueueSchema.DoorbellLockId}";

    private readonly Channel<bool> _wakes = Channel.CreateUnbounded<bool>();
    private readonly CancellationTokenSource _stop = new();
    private RelayDatabase _database = null!;

    public async Task InitializeAsync() =>
        _database = await TestDatabases.CreateAsync(RelayDatabaseProvider.PostgreSql);

    public Task DisposeAsync()
    {
        _stop.Cancel();
        _stop.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Should_have_writers_notify_only_while_armed()
    {
        var doorbell = await StartAsync();
        Assert.False(await NodeWaitsAsync());

        doorbell.Arm();
        await NextWakeAsync();
        Assert.True(await NodeWaitsAsync());

        doorbell.Disarm();
        await AwaitAsync(async () => !await NodeWaitsAsync());
    }

    [Fact]
    public async Task Should_wake_only_after_a_writer_that_did_not_notify_has_committed()
    {
        var doorbell = await StartAsync();
        await using var writer = await OpenAsync();
        await using var transaction = await writer.BeginTransactionAsync();
        var email = TestEmails.Build(to: "quiet@example.com");
        await InsertAsync(transaction, email);

        doorbell.Arm();
        await AwaitAsync(async () => await DoorbellWaitersAsync() == 1);
        Assert.False(_wakes.Reader.TryRead(out _), "woke before the quiet writer committed");

        await transaction.CommitAsync();

        await NextWakeAsync();
        Assert.Equal(EmailStatus.Queued, (await TestEmails.ReadAsync(_database, email.Id)).Status);
        Assert.True(await NodeWaitsAsync());
    }

    [Fact]
    public async Task Should_stop_waiting_for_the_lock_when_disarmed()
    {
        var doorbell = await StartAsync();
        await using var writer = await OpenAsync();
        await using var transaction = await writer.BeginTransactionAsync();
        await InsertAsync(transaction, TestEmails.Build());
        doorbell.Arm();
        await AwaitAsync(async () => await DoorbellWaitersAsync() == 1);

        doorbell.Disarm();

        await AwaitAsync(async () => await DoorbellWaitersAsync() == 0);
        await transaction.CommitAsync();
        Assert.False(await NodeWaitsAsync());
    }

    [Fact]
    public async Task Should_take_the_lock_again_after_its_connection_is_lost()
    {
        var doorbell = await StartAsync(checkInterval: TimeSpan.FromMilliseconds(100));
        doorbell.Arm();
        await NextWakeAsync();
        var holder = await DoorbellHolderAsync();
        Assert.NotNull(holder);

        await ExecuteAsync($"SELECT pg_terminate_backend({holder})");

        await AwaitAsync(async () => await DoorbellHolderAsync() is { } pid && pid != holder);
        await NextWakeAsync();
    }

    private async Task<IQueueDoorbell> StartAsync(TimeSpan? checkInterval = null)
    {
        var wakeUp = new PostgresQueueWakeUp(_database, NullLogger<PostgresQueueWakeUp>.Instance, checkInterval);
        var doorbell = wakeUp.Start(() => _wakes.Writer.TryWrite(true), _stop.Token);
        await NextWakeAsync(); // the listener's first wake, once it listens
        return doorbell;
    }

    private async Task NextWakeAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await _wakes.Reader.ReadAsync(timeout.Token);
    }

    // What a writer's trigger asks: can it take the doorbell in shared mode (no node waits)?
    private async Task<bool> NodeWaitsAsync()
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT pg_try_advisory_xact_lock_shared({DoorbellArgs})", connection);
        return !(bool)(await command.ExecuteScalarAsync())!;
    }

    private async Task<long> DoorbellWaitersAsync() => (long)(await ScalarAsync(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
        + $"AND classid = {QueueSchema.DoorbellLockClass} AND objid = {QueueSchema.DoorbellLockId}"))!;

    private async Task<int?> DoorbellHolderAsync() => (int?)await ScalarAsync(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND mode = 'ExclusiveLock' "
        + $"AND classid = {QueueSchema.DoorbellLockClass} AND objid = {QueueSchema.DoorbellLockId}");

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is DBNull ? null : value;
    }

    private async Task ExecuteAsync(string sql) => await ScalarAsync(sql);

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private async Task InsertAsync(NpgsqlTransaction transaction, EmailRow email)
    {
        await using var db = new DataConnection(new DataOptions().UseTransaction(_database.DataProvider, transaction));
        await db.InsertAsync(email);
    }

    private static async Task AwaitAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (!await condition())
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), timeout.Token);
        }
    }
}
