using System.Data.Common;
using LinqToDB.Data;
using LinqToDB.DataProvider;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using MimeKit;
using Npgsql;
using Relay.Shared.Queue;

namespace Relay.Client.Internal;

/// <summary>The queue: validates and stores emails, reports on them, cancels them.</summary>
internal sealed class RelayQueue : IRelayQueue
{
    private readonly QueueContext _context;
    private readonly Func<QueueConnection> _connect;

    public RelayQueue(RelayQueueOptions options, TimeProvider timeProvider, ILogger<RelayQueue> logger)
        : this(new QueueContext(options, timeProvider, logger), null)
    {
    }

    private RelayQueue(QueueContext context, Func<QueueConnection>? connect)
    {
        _context = context;
        _connect = connect ?? (() => QueueConnection.Open(context.Database));
    }

    public async Task<Guid> EnqueueAsync(
        MimeMessage message,
        EnqueueOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        var row = _context.Rows.Build(message, options, _context.Time.GetUtcNow());
        await _context.Schema.EnsureCurrentAsync(cancellationToken).ConfigureAwait(false);

        var connection = _connect();
        await using var scope = connection.ConfigureAwait(false);
        var id = await EmailStore.InsertAsync(connection.Db, row, cancellationToken).ConfigureAwait(false);
        if (id == row.Id)
        {
            ClientLog.Queued(_context.Logger, id);
        }
        else
        {
            ClientLog.AlreadyQueued(_context.Logger, id);
        }

        return id;
    }

    public Task<Guid> EnqueueAsync(
        OutgoingEmail email,
        EnqueueOptions? options = null,
        CancellationToken cancellationToken = default) =>
        EnqueueAsync(OutgoingEmailBuilder.Build(email), options, cancellationToken);

    public async Task<IReadOnlyList<Guid>> EnqueueManyAsync(
        IEnumerable<EmailToQueue> emails,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(emails);
        var now = _context.Time.GetUtcNow();
        var rows = new List<EmailRow>();
        foreach (var email in emails)
        {
            try
            {
                ArgumentNullException.ThrowIfNull(email);
                rows.Add(_context.Rows.Build(email.Message, email.Options, now));
            }
            catch (RelayEnqueueException error)
            {
                throw EnqueueErrors.InBatch(rows.Count, error);
            }
        }

        if (rows.Count == 0)
        {
            return [];
        }

        await _context.Schema.EnsureCurrentAsync(cancellationToken).ConfigureAwait(false);
        var connection = _connect();
        await using var scope = connection.ConfigureAwait(false);
        var ids = await EmailStore.InsertManyAsync(connection, rows, cancellationToken).ConfigureAwait(false);
        ClientLog.QueuedBatch(_context.Logger, ids.Length);
        return ids;
    }

    public Task<IReadOnlyList<Guid>> EnqueueManyAsync(
        IEnumerable<MimeMessage> messages,
        EnqueueOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        if (options?.IdempotencyKey is not null)
        {
            throw new RelayEnqueueException("IdempotencyKey", "IdempotencyKey: one key for a whole batch would "
                + "keep only its first message. Give each message its own key with EmailToQueue instead.");
        }

        return EnqueueManyAsync(messages.Select(message => new EmailToQueue(message, options)), cancellationToken);
    }

    public async Task<EmailStatusReport?> GetStatusAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await _context.Schema.EnsureCurrentAsync(cancellationToken).ConfigureAwait(false);
        var connection = _connect();
        await using var scope = connection.ConfigureAwait(false);
        return await EmailStore.GetStatusAsync(connection.Db, id, cancellationToken).ConfigureAwait(false);
    }

    public async Task<CancelResult> CancelAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await _context.Schema.EnsureCurrentAsync(cancellationToken).ConfigureAwait(false);
        var connection = _connect();
        await using var scope = connection.ConfigureAwait(false);
        var nowMs = _context.Time.GetUtcNow().ToUnixTimeMilliseconds();
        var result = await EmailStore.CancelAsync(connection.Db, id, nowMs, cancellationToken).ConfigureAwait(false);
        ClientLog.CancelRequested(_context.Logger, id, result);
        return result;
    }

    public IRelayQueue WithConnection(DataConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var provider = ProviderOf(connection.DataProvider);
        if (provider != _context.Database.Provider)
        {
            throw new ArgumentException(
                $"The connection's provider ({connection.DataProvider.Name}) is not the queue's configured "
                + $"provider ({_context.Database.Provider}). Bind the queue to a connection to the queue database.",
                nameof(connection));
        }

        return new RelayQueue(_context, () => QueueConnection.Borrow(connection, provider.Value));
    }

    public IRelayQueue WithTransaction(DbTransaction transaction)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        var connection = transaction.Connection ?? throw new ArgumentException(
            "The transaction is already committed or rolled back. Bind the queue to an active transaction.",
            nameof(transaction));
        RelayDatabaseProvider? provider = connection switch
        {
            NpgsqlConnection => RelayDatabaseProvider.PostgreSql,
            SqliteConnection => RelayDatabaseProvider.Sqlite,
            _ => null,
        };
        if (provider != _context.Database.Provider)
        {
            throw new ArgumentException(
                $"The transaction's connection is a {connection.GetType().Name}, but the queue is configured for "
                + $"{_context.Database.Provider}. Bind the queue to a transaction on the queue database.",
                nameof(transaction));
        }

        var dataProvider = _context.Database.DataProvider;
        return new RelayQueue(_context, () => QueueConnection.Join(transaction, dataProvider, provider.Value));
    }

    private static RelayDatabaseProvider? ProviderOf(IDataProvider dataProvider)
    {
        if (dataProvider.Name.StartsWith("PostgreSQL", StringComparison.OrdinalIgnoreCase))
        {
            return RelayDatabaseProvider.PostgreSql;
        }

        return dataProvider.Name.StartsWith("SQLite", StringComparison.OrdinalIgnoreCase)
            ? RelayDatabaseProvider.Sqlite
            : null;
    }
}
