using Microsoft.Extensions.Logging;
using Npgsql;
using Relay.Node.Actors.Polling;
using Relay.Node.Logging;
using Relay.Shared.Queue;

namespace Relay.Node.Hosting;

/// <summary>
/// LISTENs on the queue's notification channel and wakes the poller within milliseconds of a
/// commit. Writers notify only while some node holds (or waits for) the doorbell advisory lock,
/// which this node takes on a second connection while it is armed. Both connections reconnect
/// after failures; a lost doorbell connection drops its lock, and the next arm takes it again.
/// </summary>
internal sealed class PostgresQueueWakeUp : IQueueWakeUp
{
    private static readonly string LockSql =
        $"SELECT pg_advisory_lock({QueueSchema.DoorbellLockClass}, {QueueSchema.DoorbellLockId})";

    // Session-level advisory locks of this connection only; also undoes a lock that was granted just
    // as a cancelled wait for it ended.
    private const string UnlockSql = "SELECT pg_advisory_unlock_all()";

    private readonly string _connectionString;
    private readonly ILogger<PostgresQueueWakeUp> _logger;
    private readonly TimeSpan _checkInterval;

    /// <param name="database">The queue database.</param>
    /// <param name="logger">Where connection failures and recoveries go.</param>
    /// <param name="checkInterval">How often a held doorbell's connection is checked (default 5 s): a
    /// lost connection loses the lock, and writers stop notifying until it is taken again.</param>
    public PostgresQueueWakeUp(
        RelayDatabase database,
        ILogger<PostgresQueueWakeUp> logger,
        TimeSpan? checkInterval = null)
    {
        _checkInterval = checkInterval ?? TimeSpan.FromSeconds(5);
        _connectionString = new NpgsqlConnectionStringBuilder(database.ConnectionString)
        {
            // Both connections idle for long stretches and carry session state (LISTEN, the lock):
            // keep them out of the pool and alive.
            Pooling = false,
            KeepAlive = 30,
        }.ConnectionString;
        _logger = logger;
    }

    public IQueueDoorbell Start(Action wake, CancellationToken cancellationToken)
    {
        var doorbell = new Doorbell(_checkInterval);
        Run("Listening for queue notifications", (c, ready) => ListenAsync(c, ready, wake, cancellationToken));
        Run("Holding the queue doorbell", (c, ready) => doorbell.RunAsync(c, ready, wake, cancellationToken));
        return doorbell;

        void Run(string what, Func<NpgsqlConnection, Action, Task> work) =>
            _ = Task.Run(() => RunAsync(what, work, cancellationToken), CancellationToken.None);
    }

    private static async Task ListenAsync(
        NpgsqlConnection connection,
        Action ready,
        Action wake,
        CancellationToken cancellationToken)
    {
        connection.Notification += (_, _) => wake();
        await using (var listen = new NpgsqlCommand($"LISTEN {QueueSchema.NotifyChannel}", connection))
        {
            await listen.ExecuteNonQueryAsync(cancellationToken);
        }

        ready();
        wake(); // anything queued while this connection was down
        while (!cancellationToken.IsCancellationRequested)
        {
            await connection.WaitAsync(cancellationToken);
        }
    }

    // Runs work on a fresh connection until cancelled, reconnecting with a capped exponential delay.
    // The work calls back once it is set up: only that resets the delay and logs the recovery.
    private async Task RunAsync(
        string what,
        Func<NpgsqlConnection, Action, Task> work,
        CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(_connectionString);
                await connection.OpenAsync(cancellationToken);
                await work(connection, () =>
                {
                    if (failures > 0)
                    {
                        NodeLog.ListenerRecovered(_logger, what, failures);
                    }

                    failures = 0;
                });
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                // Whatever broke, this loop must not end while the node runs: it would poll only.
                failures++;
                var delay = TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, failures - 1)));
                if (failures == 1)
                {
                    NodeLog.ListenerFailed(_logger, error, what, delay);
                }

                try
                {
                    await Task.Delay(delay, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>The armed state the poller asks for, and the connection work that follows it.</summary>
    private sealed class Doorbell : IQueueDoorbell
    {
        private readonly SemaphoreSlim _changed = new(0);
        private readonly Lock _gate = new();
        private readonly TimeSpan _checkInterval;
        private bool _wanted;
        private CancellationTokenSource? _waiting;

        public Doorbell(TimeSpan checkInterval) => _checkInterval = checkInterval;

        public void Arm() => Want(true);

        public void Disarm() => Want(false);

        public async Task RunAsync(
            NpgsqlConnection connection,
            Action ready,
            Action wake,
            CancellationToken cancellationToken)
        {
            // A wait for the lock lasts as long as another node idles: no server-side timeout may end it.
            await ExecuteAsync(connection, "SET lock_timeout = 0; SET statement_timeout = 0", cancellationToken);

            // A new connection holds nothing: take the lock again if the poller still waits for work.
            ready();
            var held = false;
            _changed.Release();
            while (true)
            {
                if (!await _changed.WaitAsync(_checkInterval, cancellationToken))
                {
                    if (held)
                    {
                        // Bounded: a peer that vanished without a close must not stall this loop.
                        await ExecuteAsync(connection, "SELECT 1", cancellationToken, CheckTimeoutSeconds());
                    }

                    continue;
                }

                var wanted = Wanted();
                if (wanted == held)
                {
                    continue;
                }

                if (!wanted)
                {
                    await ExecuteAsync(connection, UnlockSql, cancellationToken);
                    held = false;
                    continue;
                }

                held = await TakeLockAsync(connection, cancellationToken);
                if (held)
                {
                    wake();
                }
            }
        }

        private bool Wanted()
        {
            lock (_gate)
            {
                return _wanted;
            }
        }

        private void Want(bool armed)
        {
            CancellationTokenSource? waiting;
            lock (_gate)
            {
                if (_wanted == armed)
                {
                    return;
                }

                _wanted = armed;
                waiting = armed ? null : _waiting;
            }

            _changed.Release();
            if (waiting is not null)
            {
                // Cancelling a command opens a connection to send the cancel request: not on the
                // poller's thread.
                _ = Task.Run(() =>
                {
                    try
                    {
                        waiting.Cancel();
                    }
                    catch (ObjectDisposedException)
                    {
                        // The wait ended on its own meanwhile.
                    }
                });
            }
        }

        // Waits for the exclusive lock: it is granted once every writer that took it in shared mode
        // (and so did not notify) has finished. Gives up when the poller disarms meanwhile.
        private async Task<bool> TakeLockAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
        {
            using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            lock (_gate)
            {
                if (!_wanted)
                {
                    return false;
                }

                _waiting = giveUp;
            }

            try
            {
                await ExecuteAsync(connection, LockSql, giveUp.Token);
                return true;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                await ExecuteAsync(connection, UnlockSql, cancellationToken);
                return false;
            }
            finally
            {
                lock (_gate)
                {
                    _waiting = null;
                }
            }
        }

        private static async Task ExecuteAsync(
            NpgsqlConnection connection,
            string sql,
            CancellationToken token,
            int timeoutSeconds = 0)
        {
            await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = timeoutSeconds };
            await command.ExecuteNonQueryAsync(token);
        }

        private int CheckTimeoutSeconds() => Math.Max(1, (int)Math.Ceiling(_checkInterval.TotalSeconds));
    }
}
