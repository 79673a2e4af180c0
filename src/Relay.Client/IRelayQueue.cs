using System.Data.Common;
using LinqToDB.Data;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Relay.Shared.Schema;

namespace Relay.Client;

/// <summary>
/// Hands email to the relay: each enqueued message becomes one row in the queue database, which
/// a relay node delivers over SMTP. Register it with
/// <see cref="RelayClientServiceCollectionExtensions.AddRelayQueue(IServiceCollection, Action{RelayQueueOptions})"/>.
/// </summary>
public interface IRelayQueue
{
    /// <summary>
    /// Validates and queues a message. A missing <c>Message-ID</c> and <c>Date</c> are added to
    /// <paramref name="message"/>, and the configured default From when it has none, so every
    /// delivery attempt carries the same Message-ID. Bcc recipients receive the message, but the
    /// stored copy has no Bcc header.
    /// </summary>
    /// <param name="message">The message; its To, Cc and Bcc mailboxes are the recipients.</param>
    /// <param name="options">Priority, schedule, expiry and idempotency key; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the database work.</param>
    /// <returns>The id of the queued email; with a repeated idempotency key, the first email's id.</returns>
    /// <exception cref="RelayEnqueueException">The message or the options are invalid; nothing was stored.</exception>
    /// <exception cref="RelaySchemaException">The queue database has no or another schema version.</exception>
    Task<Guid> EnqueueAsync(
        MimeMessage message,
        EnqueueOptions? options = null,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Builds a message from plain values (no MimeKit knowledge needed), validates and queues it.
    /// </summary>
    /// <param name="email">Addresses, subject, bodies, attachments and extra headers.</param>
    /// <param name="options">Priority, schedule, expiry and idempotency key; null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the database work.</param>
    /// <returns>The id of the queued email; with a repeated idempotency key, the first email's id.</returns>
    /// <exception cref="RelayEnqueueException">The email or the options are invalid; nothing was stored.</exception>
    /// <exception cref="RelaySchemaException">The queue database has no or another schema version.</exception>
    Task<Guid> EnqueueAsync(
        OutgoingEmail email,
        EnqueueOptions? options = null,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Queues a batch in one transaction with a bulk insert. The whole batch is validated first:
    /// one invalid message throws and nothing of the batch is stored.
    /// </summary>
    /// <param name="emails">The messages, each with its own options.</param>
    /// <param name="cancellationToken">Cancels the database work.</param>
    /// <returns>The ids, in the order of <paramref name="emails"/>.</returns>
    /// <exception cref="RelayEnqueueException">A message is invalid; the field names its position.</exception>
    /// <exception cref="RelaySchemaException">The queue database has no or another schema version.</exception>
    Task<IReadOnlyList<Guid>> EnqueueManyAsync(
        IEnumerable<EmailToQueue> emails,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Queues a batch of messages that share the same options, in one transaction with a bulk
    /// insert; see <see cref="EnqueueManyAsync(IEnumerable{EmailToQueue}, CancellationToken)"/>.
    /// </summary>
    /// <param name="messages">The messages.</param>
    /// <param name="options">Options for every message; an idempotency key is not allowed here.</param>
    /// <param name="cancellationToken">Cancels the database work.</param>
    /// <returns>The ids, in the order of <paramref name="messages"/>.</returns>
    /// <exception cref="RelayEnqueueException">
    /// A message is invalid, or the options hold an idempotency key.
    /// </exception>
    Task<IReadOnlyList<Guid>> EnqueueManyAsync(
        IEnumerable<MimeMessage> messages,
        EnqueueOptions? options = null,
        CancellationToken cancellationToken = default);

    /// <summary>Reports what became of a queued email.</summary>
    /// <param name="id">The id returned at enqueue.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The report, or null when no email has that id (or it was pruned).</returns>
    Task<EmailStatusReport?> GetStatusAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>
    /// Cancels an email that is still queued or deferred. An email a node is sending, or has
    /// finished with, is left unchanged and the result says why.
    /// </summary>
    /// <param name="id">The id returned at enqueue.</param>
    /// <param name="cancellationToken">Cancels the database work.</param>
    /// <returns>What happened.</returns>
    Task<CancelResult> CancelAsync(Guid id, CancellationToken cancellationToken = default);

    /// <summary>
    /// A queue that works on the caller's own linq2db connection, so that emails enqueued in the
    /// caller's transaction commit or roll back with the caller's data. The email becomes visible
    /// to the relay node only when the caller commits. The returned queue never commits, rolls back,
    /// closes or disposes the caller's connection or transaction; when the connection has no
    /// transaction, a batch runs in a transaction of its own on it.
    /// </summary>
    /// <param name="connection">An open or openable connection to the queue database.</param>
    /// <returns>A queue bound to <paramref name="connection"/>; use it only while the connection lives.</returns>
    /// <exception cref="ArgumentException">The connection's provider is not the configured one.</exception>
    IRelayQueue WithConnection(DataConnection connection);

    /// <summary>
    /// A queue that works inside the caller's ADO.NET transaction (an <c>NpgsqlTransaction</c> or a
    /// <c>SqliteTransaction</c>), so that emails commit or roll back with the caller's data. The
    /// email becomes visible to the relay node only when the caller commits. The returned queue
    /// never commits, rolls back, closes or disposes the caller's transaction or connection.
    /// </summary>
    /// <param name="transaction">An active transaction on a connection to the queue database.</param>
    /// <returns>A queue bound to <paramref name="transaction"/>; use it only while the transaction lives.</returns>
    /// <exception cref="ArgumentException">The transaction is completed or of another provider.</exception>
    IRelayQueue WithTransaction(DbTransaction transaction);
}
