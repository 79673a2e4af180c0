using System.Data.Common;
using LinqToDB;
using LinqToDB.Data;
using LinqToDB.DataProvider;
using Relay.Shared.Queue;

namespace Relay.Client.Internal;

/// <summary>
/// A linq2db connection for one queue operation: the queue's own (disposed afterwards) or one
/// over the caller's connection or transaction (whose objects are never committed or closed here).
/// </summary>
internal sealed class QueueConnection : IAsyncDisposable
{
    private readonly bool _ownsConnection;

    private QueueConnection(DataConnection db, RelayDatabaseProvider provider, bool ownsConnection)
    {
        Db = db;
        Provider = provider;
        _ownsConnection = ownsConnection;
    }

    public DataConnection Db { get; }

    public RelayDatabaseProvider Provider { get; }

    public static QueueConnection Open(RelayDatabase database) => new(database.Connect(), database.Provider, true);

    public static QueueConnection Borrow(DataConnection connection, RelayDatabaseProvider provider) =>
        new(connection, provider, false);

    // linq2db does not close or dispose a transaction (or its connection) it was handed.
    public static QueueConnection Join(
        DbTransaction transaction,
        IDataProvider dataProvider,
        RelayDatabaseProvider provider) =>
        new(new DataConnection(new DataOptions().UseTransaction(dataProvider, transaction)), provider, true);

    public ValueTask DisposeAsync() => _ownsConnection ? Db.DisposeAsync() : ValueTask.CompletedTask;
}
