using System.Data.Common;
using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;
using Microsoft.Data.Sqlite;
using Npgsql;
using Relay.Client.Tests.Support;
using Relay.Shared.Queue;
using Relay.TestKit;

namespace Relay.Client.Tests;

public sealed class TransactionalEnqueueSpecs
{
    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_leave_no_row_when_the_callers_data_connection_rolls_back(RelayDatabaseProvider provider)
    {
        var database = await CreateWithAppTableAsync(provider);
        var queue = TestQueues.Create(database);
        await using var db = database.Connect();

        await using (var transaction = await db.BeginTransactionAsync())
        {
            await db.ExecuteAsync("INSERT INTO app_order (id) VALUES (1)");
            await queue.WithConnection(db).EnqueueAsync(SampleMessages.Outgoing());
            await transaction.RollbackAsync();
        }

        Assert.Equal(0, await StoredEmails.CountAsync(database));
        Assert.Equal(0, await CountOrdersAsync(database));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_store_the_row_with_the_callers_data_when_the_data_connection_commits(
        RelayDatabaseProvider provider)
    {
        var database = await CreateWithAppTableAsync(provider);
        var queue = TestQueues.Create(database);
        await using var db = database.Connect();
        Guid id;

        await using (var transaction = await db.BeginTransactionAsync())
        {
            await db.ExecuteAsync("INSERT INTO app_order (id) VALUES (1)");
            id = await queue.WithConnection(db).EnqueueAsync(SampleMessages.Outgoing());
            await transaction.CommitAsync();
        }

        Assert.Equal(EmailStatus.Queued, (await StoredEmails.ReadAsync(database, id)).Status);
        Assert.Equal(1, await CountOrdersAsync(database));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_leave_no_row_when_the_callers_ado_transaction_rolls_back(RelayDatabaseProvider provider)
    {
        var database = await CreateWithAppTableAsync(provider);
        var queue = TestQueues.Create(database);
        await using var connection = await OpenAsync(database);
        await using var transaction = await connection.BeginTransactionAsync();

        await ExecuteAsync(transaction, "INSERT INTO app_order (id) VALUES (1)");
        await queue.WithTransaction(transaction).EnqueueAsync(SampleMessages.Outgoing());
        await queue.WithTransaction(transaction).EnqueueManyAsync([SampleMessages.Simple(), SampleMessages.Simple()]);
        await transaction.RollbackAsync();

        Assert.Equal(0, await StoredEmails.CountAsync(database));
        Assert.Equal(0, await CountOrdersAsync(database));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_store_the_rows_and_leave_the_transaction_usable_when_the_ado_caller_commits(
        RelayDatabaseProvider provider)
    {
        var database = await CreateWithAppTableAsync(provider);
        var queue = TestQueues.Create(database);
        await using var connection = await OpenAsync(database);
        await using var transaction = await connection.BeginTransactionAsync();

        var id = await queue.WithTransaction(transaction).EnqueueAsync(SampleMessages.Outgoing());
        var batch = await queue.WithTransaction(transaction).EnqueueManyAsync([SampleMessages.Simple()]);
        await ExecuteAsync(transaction, "INSERT INTO app_order (id) VALUES (1)");
        await transaction.CommitAsync();

        Assert.Equal(System.Data.ConnectionState.Open, connection.State);
        Assert.Equal(2, await StoredEmails.CountAsync(database));
        Assert.Equal(id, (await StoredEmails.ReadAsync(database, id)).Id);
        Assert.Equal(batch[0], (await StoredEmails.ReadAsync(database, batch[0])).Id);
        Assert.Equal(1, await CountOrdersAsync(database));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_keep_the_callers_transaction_alive_when_an_idempotency_key_repeats_inside_it(
        RelayDatabaseProvider provider)
    {
        var database = await CreateWithAppTableAsync(provider);
        var queue = TestQueues.Create(database);
        var existing = await queue.EnqueueAsync(SampleMessages.Outgoing(), new EnqueueOptions { IdempotencyKey = "k" });
        await using var connection = await OpenAsync(database);
        await using var transaction = await connection.BeginTransactionAsync();

        var repeated = await queue.WithTransaction(transaction)
            .EnqueueAsync(SampleMessages.Outgoing(), new EnqueueOptions { IdempotencyKey = "k" });
        await ExecuteAsync(transaction, "INSERT INTO app_order (id) VALUES (1)");
        await transaction.CommitAsync();

        Assert.Equal(existing, repeated);
        Assert.Equal(1, await StoredEmails.CountAsync(database));
        Assert.Equal(1, await CountOrdersAsync(database));
    }

    [Fact]
    public async Task Should_refuse_a_transaction_of_another_provider()
    {
        var database = await TestDatabases.CreateAsync(RelayDatabaseProvider.Sqlite);
        var queue = TestQueues.Create(
            new RelayDatabase(RelayDatabaseProvider.PostgreSql, "Host=127.0.0.1;Database=relay"));
        await using var connection = await OpenAsync(database);
        await using var transaction = await connection.BeginTransactionAsync();

        var error = Assert.Throws<ArgumentException>(() => queue.WithTransaction(transaction));

        Assert.Contains("SqliteConnection", error.Message);
    }

    private static async Task<RelayDatabase> CreateWithAppTableAsync(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        await using var db = database.Connect();
        await db.ExecuteAsync("CREATE TABLE app_order (id integer PRIMARY KEY)");
        return database;
    }

    private static async Task<int> CountOrdersAsync(RelayDatabase database)
    {
        await using var db = database.Connect();
        return await db.ExecuteAsync<int>("SELECT count(*) FROM app_order");
    }

    private static async Task<DbConnection> OpenAsync(RelayDatabase database)
    {
        DbConnection connection = database.Provider == RelayDatabaseProvider.Sqlite
            ? new SqliteConnection(database.ConnectionString)
            : new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static async Task ExecuteAsync(DbTransaction transaction, string sql)
    {
        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
