using System.Globalization;
using Relay.Node.Data;
using Relay.Shared.Queue;

namespace Relay.Node.Hosting;

/// <summary>The operator commands <c>status</c> and <c>retry</c>, printing plain text.</summary>
internal static class QueueCommands
{
    public static async Task<int> StatusAsync(
        RelayDatabase database,
        int failures,
        TextWriter output,
        CancellationToken cancellationToken)
    {
        var report = new QueueReport(database);
        var counts = await report.CountsAsync(cancellationToken);
        await output.WriteLineAsync($"Queue on {database}:");
        foreach (var (status, count) in counts)
        {
            await output.WriteLineAsync($"  {status,-10} {count,10:N0}");
        }

        var failed = await report.LatestAsync(EmailStatus.Failed, failures, cancellationToken);
        if (failed.Count > 0)
        {
            await output.WriteLineAsync($"Latest {failed.Count} failed (retry one with: relay-node retry <id>):");
            foreach (var row in failed)
            {
                await output.WriteLineAsync(
                    $"  {row.Id}  {Time(row.UpdatedAt)}  {row.Source}  \"{row.Subject}\"  "
                    + $"attempts {row.Attempts}: {row.LastError}");
            }
        }

        return 0;
    }

    public static async Task<int> RetryAsync(
        RelayDatabase database,
        Guid id,
        TextWriter output,
        CancellationToken cancellationToken)
    {
        var before = await new QueueReport(database).RetryAsync(id, DateTimeOffset.UtcNow, cancellationToken);
        switch (before)
        {
            case null:
                await output.WriteLineAsync($"No email {id} in the queue (it may have been pruned).");
                return 1;
            case EmailStatus.Failed or EmailStatus.Deferred:
                await output.WriteLineAsync($"Email {id} was {before}; it is queued again, due now.");
                return 0;
            default:
                await output.WriteLineAsync(
                    $"Email {id} is {before}; only failed or deferred emails can be retried.");
                return 1;
        }
    }

    private static string Time(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs)
            .ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
