using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;
using Relay.Shared.Queue;
using Relay.Shared.Schema;

namespace Relay.Bench.Infrastructure;

/// <summary>One fresh queue database of a benchmark: a PostgreSQL database or a SQLite file.</summary>
internal sealed class BenchDatabase
{
    private BenchDatabase(RelayDatabase database, string label)
    {
        Relay = database;
        Label = label;
    }

    public RelayDatabase Relay { get; }

    public RelayDatabaseProvider Provider => Relay.Provider;

    public string ConnectionString => Relay.ConnectionString;

    /// <summary>"PostgreSQL" or "SQLite", for the table.</summary>
    public string Label { get; }

    public static async Task<BenchDatabase> CreateAsync(
        RelayDatabaseProvider provider,
        string name,
        BenchPostgres? postgres,
        string workDir,
        CancellationToken cancellationToken)
    {
        RelayDatabase database;
        if (provider == RelayDatabaseProvider.PostgreSql)
        {
            var server = postgres ?? throw new InvalidOperationException("PostgreSQL is not started");
            database = new RelayDatabase(provider, await server.CreateDatabaseAsync(name, cancellationToken));
        }
        else
        {
            var file = Path.Combine(workDir, $"{name}.db");
            foreach (var stale in new[] { file, file + "-wal", file + "-shm" })
            {
                File.Delete(stale);
            }

            database = new RelayDatabase(provider, $"Data Source={file}");
        }

        await RelaySchema.MigrateAsync(database, cancellationToken);
        return new BenchDatabase(database, provider == RelayDatabaseProvider.PostgreSql ? "PostgreSQL" : "SQLite");
    }

    /// <summary>Inserts rows in one transaction: binary COPY on PostgreSQL, multi-row INSERTs on SQLite.</summary>
    public async Task InsertAsync(IEnumerable<EmailRow> rows, CancellationToken cancellationToken)
    {
        await using var db = Relay.Connect();
        await using var transaction = await db.BeginTransactionAsync(cancellationToken);
        await db.Emails.BulkCopyAsync(
            new BulkCopyOptions
            {
                BulkCopyType = Provider == RelayDatabaseProvider.PostgreSql
                    ? BulkCopyType.ProviderSpecific
                    : BulkCopyType.MultipleRows,
            },
            rows,
            cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<int> CountAsync(EmailStatus status, CancellationToken cancellationToken)
    {
        await using var db = Relay.Connect();
        return await db.Emails.CountAsync(e => e.Status == status, cancellationToken);
    }

    /// <summary>Waits until <paramref name="count"/> rows are marked sent (the outcome writer caught up).</summary>
    public async Task<TimeSpan> WaitForSentAsync(int count, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (await CountAsync(EmailStatus.Sent, cancellationToken) < count)
        {
            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"{Label}: fewer than {count} rows were marked sent within {timeout}");
            }

            await Task.Delay(50, cancellationToken);
        }

        return watch.Elapsed;
    }

    public async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var db = Relay.Connect();
        await db.ExecuteAsync(sql, cancellationToken);
    }
}
