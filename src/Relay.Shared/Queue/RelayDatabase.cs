using LinqToDB;
using LinqToDB.DataProvider.PostgreSQL;
using LinqToDB.DataProvider.SQLite;
using Microsoft.Data.Sqlite;

namespace Relay.Shared.Queue;

/// <summary>Where the queue lives: a provider and a connection string.</summary>
public sealed class RelayDatabase
{
    private readonly DataOptions _options;

    /// <summary>Describes a queue database.</summary>
    /// <param name="provider">SQLite or PostgreSQL.</param>
    /// <param name="connectionString">An ADO.NET connection string for that provider.</param>
    public RelayDatabase(RelayDatabaseProvider provider, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        Provider = provider;
        ConnectionString = provider == RelayDatabaseProvider.Sqlite
            ? NormalizeSqlite(connectionString)
            : connectionString;
        _options = provider switch
        {
            RelayDatabaseProvider.Sqlite => new DataOptions()
                .UseSQLite(ConnectionString, SQLiteProvider.Microsoft),
            RelayDatabaseProvider.PostgreSql => new DataOptions()
                .UsePostgreSQL(ConnectionString, PostgreSQLVersion.v15),
            _ => throw new ArgumentOutOfRangeException(
                nameof(provider), provider, "Use Sqlite or PostgreSql."),
        };
    }

    /// <summary>The database provider.</summary>
    public RelayDatabaseProvider Provider { get; }

    /// <summary>The connection string. It may hold a password: never log it.</summary>
    public string ConnectionString { get; }

    /// <summary>The linq2db options for this database.</summary>
    public DataOptions Options => _options;

    /// <summary>Opens a linq2db connection to the queue.</summary>
    public RelayDb Connect() => new(_options);

    /// <summary>The linq2db data provider, for binding to a caller's own connection.</summary>
    public LinqToDB.DataProvider.IDataProvider DataProvider => Provider == RelayDatabaseProvider.Sqlite
        ? SQLiteTools.GetDataProvider(SQLiteProvider.Microsoft)
        : PostgreSQLTools.GetDataProvider(PostgreSQLVersion.v15);

    /// <summary>A description that is safe to log: the provider and where, never a password.</summary>
    public override string ToString()
    {
        if (Provider == RelayDatabaseProvider.Sqlite)
        {
            return $"SQLite {new SqliteConnectionStringBuilder(ConnectionString).DataSource}";
        }

        var builder = new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString);
        return $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}";
    }

    // Several writers share one SQLite file (apps, the poller, the outcome writer): give each a
    // busy timeout so they queue up instead of failing with "database is locked".
    private static string NormalizeSqlite(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Default Timeout", StringComparison.OrdinalIgnoreCase)
            && !connectionString.Contains("Command Timeout", StringComparison.OrdinalIgnoreCase))
        {
            builder.DefaultTimeout = 30;
        }

        return builder.ToString();
    }
}
