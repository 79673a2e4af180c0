using Npgsql;
using Relay.Shared.Queue;
using Relay.Shared.Schema;

namespace Relay.TestKit;

/// <summary>Fresh, isolated queue databases for tests: one per call, on SQLite or PostgreSQL.</summary>
public static class TestDatabases
{
    private static int _counter;

    /// <summary>
    /// Both providers, for <c>[Theory, MemberData(nameof(TestDatabases.Providers),
    /// MemberType = typeof(TestDatabases))]</c>.
    /// </summary>
    public static IEnumerable<object[]> Providers =>
    [
        [RelayDatabaseProvider.Sqlite],
        [RelayDatabaseProvider.PostgreSql],
    ];

    /// <summary>Creates an empty database, migrated to the current schema unless told otherwise.</summary>
    public static async Task<RelayDatabase> CreateAsync(RelayDatabaseProvider provider, bool migrate = true)
    {
        var database = provider == RelayDatabaseProvider.Sqlite ? CreateSqlite() : await CreatePostgresAsync();
        if (migrate)
        {
            await RelaySchema.MigrateAsync(database);
        }

        return database;
    }

    private static RelayDatabase CreateSqlite()
    {
        var folder = Path.Combine(Path.GetTempPath(), "relay-tests");
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, $"{Guid.NewGuid():N}.db");
        return new RelayDatabase(RelayDatabaseProvider.Sqlite, $"Data Source={file}");
    }

    private static async Task<RelayDatabase> CreatePostgresAsync()
    {
        var admin = ThrowawayPostgres.Instance.AdminConnectionString;
        var name = $"relay_test_{Environment.ProcessId}_{Interlocked.Increment(ref _counter)}_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name };
        return new RelayDatabase(RelayDatabaseProvider.PostgreSql, builder.ConnectionString);
    }
}
