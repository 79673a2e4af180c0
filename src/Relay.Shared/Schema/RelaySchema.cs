using LinqToDB;
using LinqToDB.Data;
using Relay.Shared.Queue;

namespace Relay.Shared.Schema;

/// <summary>Creates, upgrades and checks the queue schema.</summary>
public static class RelaySchema
{
    // Any constant works: it only keeps two nodes migrating at once from racing on PostgreSQL.
    private const long MigrationLockKey = 0x52454C4159; // "RELAY"

    /// <summary>
    /// Applies every migration the database lacks and returns the resulting version. Safe to run
    /// from several processes at once, and a no-op on a current database.
    /// </summary>
    /// <exception cref="RelaySchemaException">The database is newer than this build.</exception>
    public static async Task<int> MigrateAsync(RelayDatabase database, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        var db = database.Connect();
        await using var dbScope = db.ConfigureAwait(false);

        if (database.Provider == RelayDatabaseProvider.Sqlite)
        {
            // WAL lets readers run beside the one writer; the setting is stored in the file.
            await db.ExecuteAsync("PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
        }

        var transaction = await db.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        if (database.Provider == RelayDatabaseProvider.PostgreSql)
        {
            await db.ExecuteAsync($"SELECT pg_advisory_xact_lock({MigrationLockKey});", cancellationToken)
                .ConfigureAwait(false);
        }

        var current = await ReadVersionAsync(db, database.Provider, cancellationToken).ConfigureAwait(false);
        if (current is null)
        {
            await db.ExecuteAsync(
                    $"CREATE TABLE {QueueSchema.VersionTable} (version integer PRIMARY KEY, "
                    + "applied_at bigint NOT NULL, description text NOT NULL);",
                    cancellationToken)
                .ConfigureAwait(false);
            current = 0;
        }

        if (current > QueueSchema.CurrentVersion)
        {
            throw NewerThanBuild(current.Value);
        }

        foreach (var migration in Migrations.All.Where(m => m.Version > current))
        {
            var sql = database.Provider == RelayDatabaseProvider.Sqlite ? migration.Sqlite : migration.PostgreSql;
            await db.ExecuteAsync(sql, cancellationToken).ConfigureAwait(false);
            await db.ExecuteAsync(
                    $"INSERT INTO {QueueSchema.VersionTable} (version, applied_at, description) "
                    + "VALUES (@version, @appliedAt, @description);",
                    cancellationToken,
                    new DataParameter("version", migration.Version),
                    new DataParameter("appliedAt", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()),
                    new DataParameter("description", migration.Description))
                .ConfigureAwait(false);
            current = migration.Version;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return current.Value;
    }

    /// <summary>The schema version of the database; null when it has no relay schema.</summary>
    public static async Task<int?> GetVersionAsync(
        RelayDatabase database,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        var db = database.Connect();
        await using var dbScope = db.ConfigureAwait(false);
        return await ReadVersionAsync(db, database.Provider, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Throws unless the database holds exactly the schema version this build needs.</summary>
    /// <exception cref="RelaySchemaException">No schema, or another version.</exception>
    public static async Task EnsureCurrentAsync(RelayDatabase database, CancellationToken cancellationToken = default)
    {
        var found = await GetVersionAsync(database, cancellationToken).ConfigureAwait(false);
        EnsureCurrent(found);
    }

    internal static void EnsureCurrent(int? found)
    {
        if (found == QueueSchema.CurrentVersion)
        {
            return;
        }

        if (found > QueueSchema.CurrentVersion)
        {
            throw NewerThanBuild(found.Value);
        }

        var what = found is null ? "has no relay queue schema (version 0)" : $"has queue schema version {found}";
        throw new RelaySchemaException(
            found,
            QueueSchema.CurrentVersion,
            $"The queue database {what}, but this build of EmailRelay needs version "
            + $"{QueueSchema.CurrentVersion}. Create or upgrade the schema with "
            + $"`{QueueSchema.MigrateCommand}` against the same database, then start again.");
    }

    private static RelaySchemaException NewerThanBuild(int found) =>
        new(
            found,
            QueueSchema.CurrentVersion,
            $"The queue database has schema version {found}, newer than version "
            + $"{QueueSchema.CurrentVersion} that this build of EmailRelay knows. Upgrade this "
            + "application's EmailRelay packages (or the node) to a release that knows version "
            + $"{found}; `{QueueSchema.MigrateCommand}` never downgrades a schema.");

    private static async Task<int?> ReadVersionAsync(
        DataConnection db,
        RelayDatabaseProvider provider,
        CancellationToken cancellationToken)
    {
        var existsSql = provider == RelayDatabaseProvider.Sqlite
            ? $"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '{QueueSchema.VersionTable}'"
            : $"SELECT count(*) FROM pg_catalog.pg_tables WHERE tablename = '{QueueSchema.VersionTable}' "
              + "AND schemaname = ANY (current_schemas(false))";
        var exists = await db.ExecuteAsync<long>(existsSql, cancellationToken).ConfigureAwait(false);
        if (exists == 0)
        {
            return null;
        }

        return await db.ExecuteAsync<int?>(
                $"SELECT max(version) FROM {QueueSchema.VersionTable}",
                cancellationToken)
            .ConfigureAwait(false) ?? 0;
    }
}
