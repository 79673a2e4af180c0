using Npgsql;

namespace Relay.Bench.Infrastructure;

/// <summary>
/// Commits in one database and WAL flushes (fsyncs) in the cluster between two snapshots: what the
/// node's claims and outcome writes cost the database per message.
/// </summary>
internal sealed class PostgresActivity
{
    private readonly string _connectionString;
    private readonly string _database;
    private readonly (long Commits, long WalSyncs) _start;

    private PostgresActivity(string connectionString, string database, (long, long) start)
    {
        _connectionString = connectionString;
        _database = database;
        _start = start;
    }

    public static async Task<PostgresActivity> StartAsync(string connectionString, CancellationToken ct)
    {
        var database = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        return new PostgresActivity(connectionString, database, await ReadAsync(connectionString, database, ct));
    }

    /// <summary>Commits and WAL syncs since the start. Statistics reach the views within about a second.</summary>
    public async Task<(long Commits, long WalSyncs)> StopAsync(CancellationToken ct)
    {
        await Task.Delay(TimeSpan.FromSeconds(1.5), ct);
        var now = await ReadAsync(_connectionString, _database, ct);
        return (now.Commits - _start.Commits, now.WalSyncs - _start.WalSyncs);
    }

    private static async Task<(long Commits, long WalSyncs)> ReadAsync(
        string connectionString,
        string database,
        CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT pg_stat_clear_snapshot(), (SELECT xact_commit FROM pg_stat_database WHERE datname = @db), "
            + "(SELECT wal_sync FROM pg_stat_wal)", connection);
        command.Parameters.AddWithValue("db", database);
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(1), reader.GetInt64(2));
    }
}
