using System.Globalization;
using LinqToDB;
using LinqToDB.Async;
using Relay.Shared.Queue;

namespace Relay.Demo;

/// <summary>What became of the demo's emails, read back from the queue table and the mail folder.</summary>
internal sealed class DemoSummary
{
    private DemoSummary(QueueCounts counts, IReadOnlyList<Refusal> refusals, string mailDirectory, int mailFiles)
    {
        Counts = counts;
        Refusals = refusals;
        MailDirectory = mailDirectory;
        MailFiles = mailFiles;
    }

    public QueueCounts Counts { get; }

    /// <summary>Every email the server refused at least one recipient of, or that failed.</summary>
    public IReadOnlyList<Refusal> Refusals { get; }

    public string MailDirectory { get; }

    public int MailFiles { get; }

    public int RefusedRecipients => Refusals.Sum(r => r.Rejected.Count);

    public int PartlyDelivered => Refusals.Count(r => r.Status == EmailStatus.Sent);

    public int FullyRefused => Refusals.Count(r => r.Status == EmailStatus.Failed && r.EveryRecipientRefused);

    /// <summary>Failed emails the server did not simply refuse: these need a look.</summary>
    public IReadOnlyList<Refusal> OtherFailures =>
        Refusals.Where(r => r.Status == EmailStatus.Failed && !r.EveryRecipientRefused).ToList();

    /// <summary>True when every email was sent, except those whose recipients were all refused.</summary>
    public bool Succeeded => Counts.IsDrained && Counts.Cancelled == 0 && OtherFailures.Count == 0;

    public static async Task<DemoSummary> CollectAsync(
        RelayDatabase database,
        QueueCounts counts,
        DemoWorkspace workspace,
        CancellationToken cancellationToken)
    {
        await using var db = database.Connect();
        var rows = await db.Emails
            .Where(e => e.RejectedRecipients != null || e.Status == EmailStatus.Failed)
            .OrderBy(e => e.Id)
            .Select(e => new { e.Id, e.Status, e.Recipients, e.RejectedRecipients, e.LastError })
            .ToListAsync(cancellationToken);
        var refusals = rows
            .Select(r => new Refusal(
                r.Id,
                r.Status,
                r.Recipients.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                RejectedRecipientList.Parse(r.RejectedRecipients),
                r.LastError))
            .ToList();
        return new DemoSummary(counts, refusals, workspace.MailDirectory, workspace.CountMailFiles());
    }

    public void Print(TextWriter output, int queued, TimeSpan queueing, TimeSpan delivery)
    {
        var rate = Counts.Sent / Math.Max(delivery.TotalSeconds, 0.001);
        output.WriteLine();
        output.WriteLine("Summary");
        Line(output, "queued", $"{queued:N0} emails in {queueing.TotalSeconds:0.0} s");
        Line(output, "sent", $"{Counts.Sent:N0} ({PartlyDelivered} of them to only some of their recipients)");
        Line(output, "refused", $"{RefusedRecipients} recipients, refused permanently by the server{FirstReply()}");
        var other = OtherFailures.Count;
        Line(output, "failed", $"{Counts.Failed} ({FullyRefused} with every recipient refused, {other} other)");
        if (Counts.Cancelled > 0)
        {
            Line(output, "cancelled", $"{Counts.Cancelled:N0}");
        }

        Line(output, "elapsed", $"{delivery.TotalSeconds:0.0} s from node start to an empty queue");
        Line(output, "throughput", $"{rate:N0} messages per second");
        Line(output, ".eml files", $"{MailFiles:N0} in {MailDirectory}");
        foreach (var failure in OtherFailures.Take(10))
        {
            output.WriteLine($"  FAILED {failure.Id}: {failure.LastError}");
        }

        if (MailFiles != Counts.Sent)
        {
            output.WriteLine($"  NOTE: {Counts.Sent:N0} emails are marked sent but the server stored {MailFiles:N0}.");
        }
    }

    private string FirstReply()
    {
        var first = Refusals.SelectMany(r => r.Rejected).FirstOrDefault();
        return first is null ? "" : $" (e.g. {first.Address}: {first.SmtpCode} {first.Reply})";
    }

    private static void Line(TextWriter output, string label, FormattableString value) =>
        output.WriteLine($"  {label,-11} {value.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>An email with refused recipients or a failure, as stored.</summary>
    internal sealed record Refusal(
        Guid Id,
        EmailStatus Status,
        IReadOnlyList<string> Recipients,
        IReadOnlyList<RejectedRecipient> Rejected,
        string? LastError)
    {
        public bool EveryRecipientRefused =>
            Recipients.Count > 0
            && Recipients.All(r => Rejected.Any(x => string.Equals(x.Address, r, StringComparison.OrdinalIgnoreCase)));
    }
}
