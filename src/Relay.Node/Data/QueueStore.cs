using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;
using LinqToDB.Linq;
using Relay.Node.Delivery;
using Relay.Shared.Queue;

namespace Relay.Node.Data;

/// <summary>Every SQL statement the node runs against the queue: claim, outcomes, leases, pruning.</summary>
internal sealed class QueueStore : IQueueStore
{
    // One index range per priority (ix_relay_email_ready is (priority DESC, next_attempt_at) over
    // status IN (0, 2), and the predicate must read exactly so): a claim then costs the same with a
    // million rows scheduled for later as with none. Priorities are EmailPriority's values, highest first.
    private const string PostgresClaimSql = """
        WITH claimable AS (
            SELECT c.id
            FROM (VALUES (2), (1), (0)) AS p (priority)
            CROSS JOIN LATERAL (
                SELECT id FROM relay_email
                WHERE status IN (0, 2) AND priority = p.priority AND next_attempt_at <= @now
                ORDER BY next_attempt_at
                LIMIT @limit
                FOR UPDATE SKIP LOCKED) AS c
            LIMIT @limit)
        UPDATE relay_email AS e
        SET status = 1, lease_owner = @owner, lease_expires_at = @leaseUntil, updated_at = @now
        FROM claimable
        WHERE e.id = claimable.id AND e.status IN (0, 2)
        RETURNING e.id, e.priority, e.next_attempt_at, e.attempts, e.envelope_from, e.recipients,
                  e.pending_recipients, e.mime, e.created_at, e.expires_at, e.rejected_recipients
        """;

    // SQLite has one writer at a time, so no row locks are needed; the same per-priority ranges.
    private const string SqliteClaimSql = """
        UPDATE relay_email
        SET status = 1, lease_owner = @owner, lease_expires_at = @leaseUntil, updated_at = @now
        WHERE id IN (
            SELECT id FROM (
                SELECT id FROM (SELECT id FROM relay_email
                    WHERE status IN (0, 2) AND priority = 2 AND next_attempt_at <= @now
                    ORDER BY next_attempt_at LIMIT @limit)
                UNION ALL
                SELECT id FROM (SELECT id FROM relay_email
                    WHERE status IN (0, 2) AND priority = 1 AND next_attempt_at <= @now
                    ORDER BY next_attempt_at LIMIT @limit)
                UNION ALL
                SELECT id FROM (SELECT id FROM relay_email
                    WHERE status IN (0, 2) AND priority = 0 AND next_attempt_at <= @now
                    ORDER BY next_attempt_at LIMIT @limit))
            LIMIT @limit)
          AND status IN (0, 2)
        RETURNING id, priority, next_attempt_at, attempts, envelope_from, recipients, pending_recipients,
                  mime, created_at, expires_at, rejected_recipients
        """;

    private readonly RelayDatabase _database;
    private readonly string _claimSql;

    /// <summary>The claim statement for a provider (for plan checks in tests and benchmarks).</summary>
    internal static string ClaimSql(RelayDatabaseProvider provider) =>
        provider == RelayDatabaseProvider.PostgreSql ? PostgresClaimSql : SqliteClaimSql;

    public QueueStore(RelayDatabase database)
    {
        _database = database;
        _claimSql = ClaimSql(database.Provider);
    }

    public async Task<IReadOnlyList<ClaimedEmail>> ClaimAsync(
        string owner,
        int limit,
        DateTimeOffset now,
        TimeSpan lease,
        CancellationToken cancellationToken)
    {
        await using var db = _database.Connect();
        var nowMs = now.ToUnixTimeMilliseconds();
        var leaseUntil = nowMs + (long)lease.TotalMilliseconds;
        var rows = await db.QueryToListAsync<EmailRow>(
            _claimSql,
            cancellationToken,
            new DataParameter("owner", owner, DataType.NVarChar),
            new DataParameter("leaseUntil", leaseUntil, DataType.Int64),
            new DataParameter("now", nowMs, DataType.Int64),
            new DataParameter("limit", limit, DataType.Int32));

        return rows
            .OrderByDescending(r => r.Priority)
            .ThenBy(r => r.NextAttemptAt)
            .Select(r => new ClaimedEmail(
                r.Id,
                r.Attempts,
                r.EnvelopeFrom,
                RecipientList.Split(r.PendingRecipients ?? r.Recipients),
                r.Mime,
                r.CreatedAt,
                r.ExpiresAt,
                r.RejectedRecipients,
                r.Priority,
                leaseUntil))
            .ToList();
    }

    public async Task<int> WriteOutcomesAsync(
        string owner,
        IReadOnlyList<EmailOutcome> outcomes,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        await using var db = _database.Connect();
        await using var transaction = await db.BeginTransactionAsync(cancellationToken);
        var written = 0;

        var plainSent = outcomes.Where(o => o.IsPlainSent).Select(o => o.EmailId).ToList();
        foreach (var chunk in plainSent.Chunk(500))
        {
            written += await Leased(db, owner, chunk)
                .Set(e => e.Status, EmailStatus.Sent)
                .Set(e => e.Attempts, e => e.Attempts + 1)
                .Set(e => e.SentAt, nowMs)
                .Set(e => e.UpdatedAt, nowMs)
                .Set(e => e.LeaseOwner, (string?)null)
                .Set(e => e.LeaseExpiresAt, (long?)null)
                .Set(e => e.PendingRecipients, (string?)null)
                .Set(e => e.LastError, (string?)null)
                .UpdateAsync(cancellationToken);
        }

        var requeued = outcomes.Where(o => o.IsRequeue).Select(o => o.EmailId).ToList();
        foreach (var chunk in requeued.Chunk(500))
        {
            written += await Leased(db, owner, chunk)
                .Set(e => e.Status, EmailStatus.Queued)
                .Set(e => e.UpdatedAt, nowMs)
                .Set(e => e.LeaseOwner, (string?)null)
                .Set(e => e.LeaseExpiresAt, (long?)null)
                .UpdateAsync(cancellationToken);
        }

        foreach (var outcome in outcomes.Where(o => !o.IsPlainSent && !o.IsRequeue))
        {
            var increment = outcome.CountsAsAttempt ? 1 : 0;
            written += await Leased(db, owner, [outcome.EmailId])
                .Set(e => e.Status, outcome.Status)
                .Set(e => e.Attempts, e => e.Attempts + increment)
                .Set(e => e.NextAttemptAt, e => outcome.NextAttemptAt ?? e.NextAttemptAt)
                .Set(e => e.LastError, outcome.LastError)
                .Set(e => e.PendingRecipients, outcome.PendingRecipients)
                .Set(e => e.RejectedRecipients, outcome.RejectedRecipients)
                .Set(e => e.SentAt, outcome.SentAt)
                .Set(e => e.UpdatedAt, nowMs)
                .Set(e => e.LeaseOwner, (string?)null)
                .Set(e => e.LeaseExpiresAt, (long?)null)
                .UpdateAsync(cancellationToken);
        }

        var attempts = outcomes
            .Where(o => o.Attempt is not null)
            .Select(o => new AttemptRow
            {
                EmailId = o.EmailId,
                AttemptedAt = nowMs,
                Node = owner,
                Outcome = o.Attempt!.Value,
                SmtpCode = o.SmtpCode,
                Detail = o.Detail,
            })
            .ToList();
        if (attempts.Count > 0)
        {
            await db.Attempts.BulkCopyAsync(
                new BulkCopyOptions { BulkCopyType = BulkCopyType.ProviderSpecific },
                attempts,
                cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return written;
    }

    public async Task<int> ReturnExpiredLeasesAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        await using var db = _database.Connect();
        return await db.Emails
            .Where(e => e.Status == EmailStatus.Sending && e.LeaseExpiresAt < nowMs)
            .Set(e => e.Status, EmailStatus.Queued)
            .Set(e => e.LeaseOwner, (string?)null)
            .Set(e => e.LeaseExpiresAt, (long?)null)
            .Set(e => e.UpdatedAt, nowMs)
            .UpdateAsync(cancellationToken);
    }

    public async Task<int> ReleaseAllAsync(string owner, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        await using var db = _database.Connect();
        return await db.Emails
            .Where(e => e.Status == EmailStatus.Sending && e.LeaseOwner == owner)
            .Set(e => e.Status, EmailStatus.Queued)
            .Set(e => e.LeaseOwner, (string?)null)
            .Set(e => e.LeaseExpiresAt, (long?)null)
            .Set(e => e.UpdatedAt, nowMs)
            .UpdateAsync(cancellationToken);
    }

    public async Task<int> PruneAsync(
        IReadOnlyCollection<EmailStatus> statuses,
        DateTimeOffset olderThan,
        int batchSize,
        CancellationToken cancellationToken)
    {
        var cutoff = olderThan.ToUnixTimeMilliseconds();
        var total = 0;
        while (true)
        {
            await using var db = _database.Connect();
            await using var transaction = await db.BeginTransactionAsync(cancellationToken);
            var ids = await db.Emails
                .Where(e => statuses.Contains(e.Status) && e.UpdatedAt <= cutoff)
                .Select(e => e.Id)
                .Take(batchSize)
                .ToListAsync(cancellationToken);
            if (ids.Count == 0)
            {
                return total;
            }

            await db.Attempts.Where(a => ids.Contains(a.EmailId)).DeleteAsync(cancellationToken);
            total += await db.Emails
                .Where(e => ids.Contains(e.Id) && statuses.Contains(e.Status))
                .DeleteAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            if (ids.Count < batchSize)
            {
                return total;
            }
        }
    }

    public async Task PingAsync(CancellationToken cancellationToken)
    {
        await using var db = _database.Connect();
        await db.ExecuteAsync<int>("SELECT 1", cancellationToken);
    }

    private static IUpdatable<EmailRow> Leased(RelayDb db, string owner, IReadOnlyCollection<Guid> ids) =>
        db.Emails
            .Where(e => ids.Contains(e.Id) && e.Status == EmailStatus.Sending && e.LeaseOwner == owner)
            .AsUpdatable();
}
