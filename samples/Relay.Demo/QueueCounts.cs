using System.Globalization;
using LinqToDB;
using LinqToDB.Async;
using Relay.Shared.Queue;

namespace Relay.Demo;

/// <summary>How many emails of the queue table are in each status.</summary>
internal sealed record QueueCounts(int Queued, int Sending, int Deferred, int Sent, int Failed, int Cancelled)
{
    /// <summary>True once no email waits for, or is in, a delivery attempt.</summary>
    public bool IsDrained => Queued + Sending + Deferred == 0;

    public static async Task<QueueCounts> ReadAsync(RelayDatabase database, CancellationToken cancellationToken)
    {
        await using var db = database.Connect();
        var counts = await db.Emails
            .GroupBy(e => e.Status)
            .Select(g => new { Status = g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Status, g => g.Count, cancellationToken);
        int Of(EmailStatus status) => counts.GetValueOrDefault(status);
        return new QueueCounts(
            Of(EmailStatus.Queued),
            Of(EmailStatus.Sending),
            Of(EmailStatus.Deferred),
            Of(EmailStatus.Sent),
            Of(EmailStatus.Failed),
            Of(EmailStatus.Cancelled));
    }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"queued {Queued,5} | sending {Sending,4} | deferred {Deferred,3} | sent {Sent,5} | failed {Failed,3}");
}
