using LinqToDB;
using LinqToDB.Data;
using LinqToDB.DataProvider.PostgreSQL;
using LinqToDB.DataProvider.SQLite;
using Microsoft.Extensions.Options;
using Relay.Client;
using Relay.Shared.Queue;
using Relay.Shared.Schema;

namespace Relay.Sample;

/// <summary>
/// The application's database, which is also the queue database: that is what lets an order and its
/// confirmation email commit in one transaction.
/// </summary>
public sealed class OrdersDatabase
{
    private readonly RelayQueueOptions _queue;
    private readonly DataOptions _options;

    public OrdersDatabase(IOptions<RelayQueueOptions> queueOptions)
    {
        _queue = queueOptions.Value;
        _options = _queue.Provider switch
        {
            RelayDatabaseProvider.Sqlite => new DataOptions()
                .UseSQLite(_queue.ConnectionString, SQLiteProvider.Microsoft),
            RelayDatabaseProvider.PostgreSql => new DataOptions()
                .UsePostgreSQL(_queue.ConnectionString, PostgreSQLVersion.v15),
            _ => throw new InvalidOperationException(
                $"Relay:Queue:Provider {_queue.Provider} is not supported; use Sqlite or PostgreSql."),
        };
    }

    public DataConnection Connect() => new(_options);

    /// <summary>
    /// Development setup: migrates the queue schema and creates the orders table when missing. In
    /// production the schema belongs to the operator (`relay-node migrate`), not to each application.
    /// </summary>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        await RelaySchema.MigrateAsync(new RelayDatabase(_queue.Provider, _queue.ConnectionString), cancellationToken);
        await using var db = Connect();
        await db.CreateTableAsync<Order>(tableOptions: TableOptions.CheckExistence, token: cancellationToken);
    }
}
