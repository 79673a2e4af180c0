using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;
using Relay.Shared.Queue;

namespace Relay.Client.Internal;

/// <summary>Every statement the client runs against the queue table.</summary>
internal static class EmailStore
{
    /// <summary>Inserts the row, or, when its idempotency key is taken, returns the existing row's id.</summary>
    public static async Task<Guid> InsertAsync(DataConnection db, EmailRow row, CancellationToken cancellationToken)
    {
        // ON CONFLICT DO NOTHING instead of catching a unique violation: inside the caller's
        // PostgreSQL transaction a failed statement would abort everything else they did.
        var inserted = await EmailInsert.ExecuteAsync(db, row, cancellationToken).ConfigureAwait(false);
        if (inserted > 0)
        {
            return row.Id;
        }

        // LIMITATION: inside a caller's REPEATABLE READ or SERIALIZABLE transaction, a row another
        // transaction committed after the caller's snapshot is not visible here and this throws.

        return await db.GetTable<EmailRow>()
            .Where(e => e.Source == row.Source && e.IdempotencyKey == row.IdempotencyKey)
            .Select(e => e.Id)
            .FirstAsync(cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>
    /// Inserts a batch in one transaction (the caller's, or one of its own). On PostgreSQL the rows
    /// without a key go in one binary COPY; every other row is one INSERT, so that a taken key yields
    /// the existing id. On SQLite one fixed INSERT per row costs less than a multi-row statement
    /// built for every batch.
    /// </summary>
    public static async Task<Guid[]> InsertManyAsync(
        QueueConnection connection,
        IReadOnlyList<EmailRow> rows,
        CancellationToken cancellationToken)
    {
        var db = connection.Db;
        var transaction = db.Transaction is null
            ? await db.BeginTransactionAsync(cancellationToken).ConfigureAwait(false)
            : null;
        try
        {
            var copy = connection.Provider == RelayDatabaseProvider.PostgreSql;
            if (copy)
            {
                var plain = rows.Where(r => r.IdempotencyKey is null).Select(NewEmailRow.From).ToList();
                if (plain.Count > 0)
                {
                    var bulk = new BulkCopyOptions { BulkCopyType = BulkCopyType.ProviderSpecific };
                    await db.BulkCopyAsync(bulk, plain, cancellationToken).ConfigureAwait(false);
                }
            }

            var ids = new Guid[rows.Count];
            for (var i = 0; i < rows.Count; i++)
            {
                ids[i] = copy && rows[i].IdempotencyKey is null
                    ? rows[i].Id
                    : await InsertAsync(db, rows[i], cancellationToken).ConfigureAwait(false);
            }

            if (transaction is not null)
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            return ids;
        }
        finally
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    public static async Task<EmailStatusReport?> GetStatusAsync(
        DataConnection db,
        Guid id,
        CancellationToken cancellationToken)
    {
        var row = await db.GetTable<EmailRow>()
            .Where(e => e.Id == id)
            .Select(e => new
            {
                e.Status,
                e.Attempts,
                e.NextAttemptAt,
                e.LastError,
                e.CreatedAt,
                e.SentAt,
                e.ExpiresAt,
                e.RejectedRecipients,
                e.Subject,
            })
            .FirstOrDefaultAsync(cancellationToken)
            .ConfigureAwait(false);
        if (row is null)
        {
            return null;
        }

        var waiting = row.Status is EmailStatus.Queued or EmailStatus.Deferred;
        return new EmailStatusReport(
            id,
            row.Status,
            row.Attempts,
            waiting ? FromUnixMs(row.NextAttemptAt) : null,
            row.LastError,
            FromUnixMs(row.CreatedAt),
            row.SentAt is { } sent ? FromUnixMs(sent) : null,
            row.ExpiresAt is { } expires ? FromUnixMs(expires) : null,
            RejectedRecipientList.Parse(row.RejectedRecipients),
            row.Subject);
    }

    /// <summary>
    /// Cancels the email if it is still waiting. The status predicate sits in the UPDATE itself,
    /// so a node claiming the row at the same moment either wins or sees it cancelled.
    /// </summary>
    public static async Task<CancelResult> CancelAsync(
        DataConnection db,
        Guid id,
        long nowMs,
        CancellationToken cancellationToken)
    {
        while (true)
        {
            var cancelled = await db.GetTable<EmailRow>()
                .Where(e => e.Id == id && (e.Status == EmailStatus.Queued || e.Status == EmailStatus.Deferred))
                .Set(e => e.Status, EmailStatus.Cancelled)
                .Set(e => e.UpdatedAt, nowMs)
                .UpdateAsync(cancellationToken)
                .ConfigureAwait(false);
            if (cancelled > 0)
            {
                return CancelResult.Cancelled;
            }

            var status = await db.GetTable<EmailRow>()
                .Where(e => e.Id == id)
                .Select(e => (EmailStatus?)e.Status)
                .FirstOrDefaultAsync(cancellationToken)
                .ConfigureAwait(false);
            switch (status)
            {
                case null:
                    return CancelResult.NotFound;
                case EmailStatus.Sending:
                    return CancelResult.AlreadySending;
                case EmailStatus.Sent:
                    return CancelResult.AlreadySent;
                case EmailStatus.Failed:
                    return CancelResult.AlreadyFailed;
                case EmailStatus.Cancelled:
                    return CancelResult.AlreadyCancelled;
                default:
                    // A node deferred it between the two statements: it is cancellable again.
                    continue;
            }
        }
    }

    private static DateTimeOffset FromUnixMs(long value) => DateTimeOffset.FromUnixTimeMilliseconds(value);
}
