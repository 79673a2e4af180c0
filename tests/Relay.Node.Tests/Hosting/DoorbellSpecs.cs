using System.Net;
using System.Net.Sockets;
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
public sealed class DoorbellSpecs : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    // pg_locks covers the whole server: other test classes hold doorbells in their own databases.
    private const string ThisDatabase = "database = (SELECT oid FROM pg_database WHERE datname = current_database()) ";

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

    [Fact]
    public async Task Should_keep_waiting_for_the_lock_under_a_server_lock_timeout()
    {
        var withTimeout = new RelayDatabase(
            RelayDatabaseProvider.PostgreSql,
            new NpgsqlConnectionStringBuilder(_database.ConnectionString) { Options = "-c lock_timeout=20ms" }
                .ConnectionString);
        await using (var check = new NpgsqlConnection(withTimeout.ConnectionString))
        {
            await check.OpenAsync();
            await using var show = new NpgsqlCommand("SHOW lock_timeout", check);
            Assert.Equal("20ms", await show.ExecuteScalarAsync());
        }

        var doorbell = await StartAsync(database: withTimeout);
        await using var writer = await OpenAsync();
        await using var transaction = await writer.BeginTransactionAsync();
        await InsertAsync(transaction, TestEmails.Build());

        doorbell.Arm();

        // Ten times the server's lock timeout into its wait, the node's connection still waits.
        await AwaitAsync(async () => (long)(await ScalarAsync(
            "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            + "WHERE l.locktype = 'advisory' AND NOT l.granted AND l." + ThisDatabase
            + $"AND l.classid = {QueueSchema.DoorbellLockClass} AND l.objid = {QueueSchema.DoorbellLockId} "
            + "AND clock_timestamp() - a.query_start > interval '200 milliseconds'"))! == 1);
        var waiter = await DoorbellWaiterAsync();
        await transaction.CommitAsync();

        await NextWakeAsync();
        Assert.Equal(waiter, await DoorbellHolderAsync()); // the same connection waited until it got the lock
    }

    [Fact]
    public async Task Should_take_the_lock_again_when_its_connection_dies_without_a_close()
    {
        var builder = new NpgsqlConnectionStringBuilder(_database.ConnectionString);
        await using var proxy = new FreezableProxy(builder.Host!, builder.Port);
        builder.Host = "127.0.0.1";
        builder.Port = proxy.Port;
        var proxied = new RelayDatabase(RelayDatabaseProvider.PostgreSql, builder.ConnectionString);
        var doorbell = await StartAsync(checkInterval: TimeSpan.FromMilliseconds(100), database: proxied);
        doorbell.Arm();
        await NextWakeAsync();
        var holder = await DoorbellHolderAsync();

        proxy.FreezeOpenConnections();
        await ExecuteAsync($"SELECT pg_terminate_backend({holder})");

        await AwaitAsync(async () => await DoorbellHolderAsync() is { } pid && pid != holder);
        await NextWakeAsync();
    }

    private async Task<IQueueDoorbell> StartAsync(TimeSpan? checkInterval = null, RelayDatabase? database = null)
    {
        var wakeUp = new PostgresQueueWakeUp(
            database ?? _database,
            NullLogger<PostgresQueueWakeUp>.Instance,
            checkInterval);
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
        await using var command = new NpgsqlCommand(
            $"SELECT pg_try_advisory_xact_lock_shared({DoorbellArgs})", connection);
        return !(bool)(await command.ExecuteScalarAsync())!;
    }

    private async Task<long> DoorbellWaitersAsync() => (long)(await ScalarAsync(
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND " + ThisDatabase
        + $"AND classid = {QueueSchema.DoorbellLockClass} AND objid = {QueueSchema.DoorbellLockId}"))!;

    private async Task<int?> DoorbellWaiterAsync() => (int?)await ScalarAsync(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND " + ThisDatabase
        + $"AND classid = {QueueSchema.DoorbellLockClass} AND objid = {QueueSchema.DoorbellLockId}");

    private async Task<int?> DoorbellHolderAsync() => (int?)await ScalarAsync(
        "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND mode = 'ExclusiveLock' AND "
        + ThisDatabase
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

    private Task AwaitAsync(Func<Task<bool>> condition) =>
        AwaitAssertAsync(async () => Assert.True(await condition()), Timeout, TimeSpan.FromMilliseconds(20));

    /// <summary>
    /// A TCP proxy to the test server that can stop passing on anything over the connections open so far,
    /// closes included: their peer vanishes silently, as after a failover behind a load balancer.
    /// </summary>
    private sealed class FreezableProxy : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly List<CancellationTokenSource> _open = [];
        private readonly List<TcpClient> _sockets = [];
        private readonly string _host;
        private readonly int _port;

        public FreezableProxy(string host, int port)
        {
            (_host, _port) = (host, port);
            _listener.Start();
            _ = AcceptAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public void FreezeOpenConnections()
        {
            lock (_open)
            {
                _open.ForEach(frozen => frozen.Cancel());
                _open.Clear();
            }
        }

        public ValueTask DisposeAsync()
        {
            _stop.Cancel();
            _listener.Stop();
            lock (_open)
            {
                _sockets.ForEach(socket => socket.Dispose());
            }

            return ValueTask.CompletedTask;
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception error) when (error is OperationCanceledException or SocketException
                                                  or ObjectDisposedException)
                {
                    return;
                }

                var upstream = new TcpClient();
                await upstream.ConnectAsync(_host, _port);
                var frozen = new CancellationTokenSource();
                lock (_open)
                {
                    _open.Add(frozen);
                    _sockets.Add(client);
                    _sockets.Add(upstream);
                }

                _ = PumpAsync(client.GetStream(), upstream.GetStream(), frozen.Token);
                _ = PumpAsync(upstream.GetStream(), client.GetStream(), frozen.Token);
            }
        }

        // Once frozen, what arrives is read and dropped, and no close is passed on.
        private static async Task PumpAsync(NetworkStream from, NetworkStream to, CancellationToken frozen)
        {
            var buffer = new byte[16384];
            try
            {
                int read;
                while ((read = await from.ReadAsync(buffer)) > 0)
                {
                    if (!frozen.IsCancellationRequested)
                    {
                        await to.WriteAsync(buffer.AsMemory(0, read));
                    }
                }

                if (!frozen.IsCancellationRequested)
                {
                    to.Socket.Shutdown(SocketShutdown.Send);
                }
            }
            catch (Exception error) when (error is IOException or SocketException or ObjectDisposedException)
            {
                // The proxy is being disposed.
            }
        }
    }
}
