using LinqToDB;
using LinqToDB.Async;
using Relay.Shared.Queue;

namespace Relay.Node.Data;

/// <summary>What an operator asks of the queue: counts, recent failures, and a manual retry.</summary>
internal sealed class QueueReport(RelayDatabase database)
{
    public async Task<IReadOnlyDictionary<EmailStatus, int>> CountsAsync(CancellationToken cancellationToken)
    {
        await using var db = database.Connect();
        var counts = await db.Emails
            .GroupBy(e => e.Status)
            .Select(g => new { Status = g.Key, Count = g.Count() })
            .ToListAsync(cancellationToken);
        return Enum.GetValues<EmailStatus>().ToDictionary(
            status => status,
            status => counts.SingleOrDefault(c => c.Status == status)?.Count ?? 0);
    }

    public async Task<IReadOnlyList<EmailRow>> LatestAsync(
        EmailStatus status,
        int count,
        CancellationToken cancellationToken)
    {
        await using var db = database.Connect();
        return await db.Emails
            .Where(e => e.Status == status)
            .OrderByDescending(e => e.UpdatedAt)
            .Take(count)
            .Select(e => new EmailRow
            {
                Id = e.Id,
                Source = e.Source,
                Subject = e.Subject,
                Attempts = e.Attempts,
                LastError = e.LastError,
                UpdatedAt = e.UpdatedAt,
                NextAttemptAt = e.NextAttemptAt,
            })
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Queues a failed or deferred email again, due now, with a fresh set of attempts (its history
    /// stays). Returns the status it had, or null when there is no such email.
    /// </summary>
    public async Task<EmailStatus?> RetryAsync(Guid id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var nowMs = now.ToUnixTimeMilliseconds();
        await using var db = database.Connect();
        var current = await db.Emails.Where(e => e.Id == id).Select(e => (EmailStatus?)e.Status)
            .FirstOrDefaultAsync(cancellationToken);
        if (current is EmailStatus.Failed or EmailStatus.Deferred)
        {
            var changed = await db.Emails
                .Where(e => e.Id == id && (e.Status == EmailStatus.Failed || e.Status == EmailStatus.Deferred))
                .Set(e => e.Status, EmailStatus.Queued)
                .Set(e => e.Attempts, 0)
                .Set(e => e.NextAttemptAt, nowMs)
                .Set(e => e.ExpiresAt, (long?)null)
                .Set(e => e.UpdatedAt, nowMs)
                .UpdateAsync(cancellationToken);
            return changed == 1 ? current : await RetryAsync(id, now, cancellationToken);
        }

        return current;
    }
}
