using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using Relay.Bench.Infrastructure;
using Relay.Shared.Queue;

namespace Relay.Bench.Scenarios;

/// <summary>
/// The floor for enqueue: a plain ADO.NET INSERT of a queue-sized row into a scratch table (same
/// columns and values as relay_email, primary key only, no trigger), committed on its own; and
/// for batches, the provider's fastest plain bulk path in one transaction.
/// </summary>
internal sealed class BareInsert : IAsyncDisposable
{
    private const string Columns = "id, source, priority, status, envelope_from, recipients, subject, mime, size, "
        + "message_id, attempts, next_attempt_at, created_at, updated_at";

    private const string InsertSql = $"INSERT INTO bench_bare ({Columns}) VALUES "
        + "(@id, @source, @priority, @status, @from, @recipients, @subject, @mime, @size, @messageId, 0, @next, "
        + "@created, @updated)";

    private readonly BenchDatabase _database;
    private readonly NpgsqlDataSource? _postgres;

    private BareInsert(BenchDatabase database)
    {
        _database = database;
        _postgres = database.Provider == RelayDatabaseProvider.PostgreSql
            ? NpgsqlDataSource.Create(database.ConnectionString)
            : null;
    }

    public static async Task<BareInsert> CreateAsync(BenchDatabase database, CancellationToken ct)
    {
        await database.ExecuteAsync(database.Provider == RelayDatabaseProvider.PostgreSql
            ? """
              CREATE TABLE bench_bare (
                  id uuid PRIMARY KEY, source text NOT NULL, priority smallint NOT NULL, status smallint NOT NULL,
                  envelope_from text NOT NULL, recipients text NOT NULL, subject text NOT NULL, mime bytea NOT NULL,
                  size integer NOT NULL, message_id text NOT NULL, attempts integer NOT NULL,
                  next_attempt_at bigint NOT NULL, created_at bigint NOT NULL, updated_at bigint NOT NULL)
              """
            : """
              CREATE TABLE bench_bare (
                  id BLOB PRIMARY KEY, source TEXT NOT NULL, priority INTEGER NOT NULL, status INTEGER NOT NULL,
                  envelope_from TEXT NOT NULL, recipients TEXT NOT NULL, subject TEXT NOT NULL, mime BLOB NOT NULL,
                  size INTEGER NOT NULL, message_id TEXT NOT NULL, attempts INTEGER NOT NULL,
                  next_attempt_at INTEGER NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL)
              """, ct);
        if (database.Provider == RelayDatabaseProvider.PostgreSql)
        {
            // The same scratch table with a statement trigger that always notifies (as the queue's
            // does while a node waits for work), to show what a notification costs a commit by itself.
            await database.ExecuteAsync(
                """
                CREATE TABLE bench_bare_notify (LIKE bench_bare INCLUDING ALL);
                CREATE FUNCTION bench_bare_notify() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    PERFORM pg_notify('bench_bare_notify', '');
                    RETURN NULL;
                END $$;
                CREATE TRIGGER bench_bare_notify AFTER INSERT ON bench_bare_notify
                    FOR EACH STATEMENT EXECUTE FUNCTION bench_bare_notify();
                """, ct);
        }

        return new BareInsert(database);
    }

    /// <summary>
    /// One row, autocommitted, into <paramref name="table"/>: the scratch table, its copy with the NOTIFY
    /// trigger, or relay_email itself (its indexes and trigger, without the client's code).
    /// </summary>
    public async Task InsertOneAsync(EmailRow row, CancellationToken ct, string table = "bench_bare")
    {
        if (_postgres is not null)
        {
            await using var command = _postgres.CreateCommand(
                InsertSql.Replace("INTO bench_bare ", $"INTO {table} ", StringComparison.Ordinal));
            Bind(command.Parameters, row);
            await command.ExecuteNonQueryAsync(ct);
            return;
        }

        await using var connection = new SqliteConnection(_database.ConnectionString);
        await connection.OpenAsync(ct);
        await using var insert = connection.CreateCommand();
        insert.CommandText = InsertSql;
        Bind(insert.Parameters, row);
        await insert.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// A batch in one transaction: binary COPY on PostgreSQL (into <paramref name="table"/>: the scratch table
    /// or relay_email itself), a prepared INSERT per row on SQLite.
    /// </summary>
    public async Task InsertBatchAsync(IReadOnlyList<EmailRow> rows, CancellationToken ct, string table = "bench_bare")
    {
        if (_postgres is not null)
        {
            await using var connection = await _postgres.OpenConnectionAsync(ct);
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await using (var copy = await connection.BeginBinaryImportAsync(
                             $"COPY {table} ({Columns}) FROM STDIN (FORMAT BINARY)", ct))
            {
                foreach (var row in rows)
                {
                    await copy.StartRowAsync(ct);
                    await copy.WriteAsync(row.Id, NpgsqlDbType.Uuid, ct);
                    await copy.WriteAsync(row.Source, NpgsqlDbType.Text, ct);
                    await copy.WriteAsync((short)row.Priority, NpgsqlDbType.Smallint, ct);
                    await copy.WriteAsync((short)row.Status, NpgsqlDbType.Smallint, ct);
                    await copy.WriteAsync(row.EnvelopeFrom, NpgsqlDbType.Text, ct);
                    await copy.WriteAsync(row.Recipients, NpgsqlDbType.Text, ct);
                    await copy.WriteAsync(row.Subject, NpgsqlDbType.Text, ct);
                    await copy.WriteAsync(row.Mime, NpgsqlDbType.Bytea, ct);
                    await copy.WriteAsync(row.Size, NpgsqlDbType.Integer, ct);
                    await copy.WriteAsync(row.MessageId, NpgsqlDbType.Text, ct);
                    await copy.WriteAsync(0, NpgsqlDbType.Integer, ct);
                    await copy.WriteAsync(row.NextAttemptAt, NpgsqlDbType.Bigint, ct);
                    await copy.WriteAsync(row.CreatedAt, NpgsqlDbType.Bigint, ct);
                    await copy.WriteAsync(row.UpdatedAt, NpgsqlDbType.Bigint, ct);
                }

                await copy.CompleteAsync(ct);
            }

            await transaction.CommitAsync(ct);
            return;
        }

        await using var sqlite = new SqliteConnection(_database.ConnectionString);
        await sqlite.OpenAsync(ct);
        await using var sqliteTransaction = (SqliteTransaction)await sqlite.BeginTransactionAsync(ct);
        await using var insert = sqlite.CreateCommand();
        insert.Transaction = sqliteTransaction;
        insert.CommandText = InsertSql;
        foreach (var row in rows)
        {
            insert.Parameters.Clear();
            Bind(insert.Parameters, row);
            await insert.ExecuteNonQueryAsync(ct);
        }

        await sqliteTransaction.CommitAsync(ct);
    }

    public ValueTask DisposeAsync() => _postgres?.DisposeAsync() ?? ValueTask.CompletedTask;

    private static void Bind(System.Data.Common.DbParameterCollection parameters, EmailRow row)
    {
        void Add(string name, object value)
        {
            parameters.Add(parameters is NpgsqlParameterCollection
                ? new NpgsqlParameter(name, value)
                : new SqliteParameter(name, value));
        }

        Add("id", row.Id);
        Add("source", row.Source);
        Add("priority", (short)row.Priority);
        Add("status", (short)row.Status);
        Add("from", row.EnvelopeFrom);
        Add("recipients", row.Recipients);
        Add("subject", row.Subject);
        Add("mime", row.Mime);
        Add("size", row.Size);
        Add("messageId", row.MessageId);
        Add("next", row.NextAttemptAt);
        Add("created", row.CreatedAt);
        Add("updated", row.UpdatedAt);
    }
}
