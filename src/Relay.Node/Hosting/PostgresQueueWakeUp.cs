using Microsoft.Extensions.Logging;
using Npgsql;
using Relay.Node.Actors.Polling;
using Relay.Node.Logging;
using Relay.Shared.Queue;

namespace Relay.Node.Hosting;

/// <summary>
/// LISTENs on the queue's notification channel (signalled by a statement trigger when a client's
/// transaction commits) and wakes the poller within milliseconds. Reconnects after failures.
/// </summary>
internal sealed class PostgresQueueWakeUp : IQueueWakeUp
{
    private readonly string _connectionString;
    private readonly ILogger<PostgresQueueWakeUp> _logger;

    public PostgresQueueWakeUp(RelayDatabase database, ILogger<PostgresQueueWakeUp> logger)
    {
        _connectionString = new NpgsqlConnectionStringBuilder(database.ConnectionString)
        {
            // A listening connection idles for long stretches: keep it out of the pool and alive.
            Pooling = false,
            KeepAlive = 30,
        }.ConnectionString;
        _logger = logger;
    }

    public void Start(Action wake, CancellationToken cancellationToken) =>
        _ = Task.Run(() => ListenAsync(wake, cancellationToken), CancellationToken.None);

    private async Task ListenAsync(Action wake, CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(_connectionString);
                await connection.OpenAsync(cancellationToken);
                connection.Notification += (_, _) => wake();
                await using (var listen = new NpgsqlCommand($"LISTEN {QueueSchema.NotifyChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(cancellationToken);
                }

                if (failures > 0)
                {
                    NodeLog.ListenerRecovered(_logger, failures);
                }

                failures = 0;
                wake(); // anything queued while this connection was down
                while (!cancellationToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(cancellationToken);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error) when (error is NpgsqlException or IOException or TimeoutException)
            {
                failures++;
                var delay = TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, failures - 1)));
                if (failures == 1)
                {
                    NodeLog.ListenerFailed(_logger, error, delay);
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
}
