using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;
using MimeKit;
using Relay.Shared.Queue;

namespace Relay.TestKit;

/// <summary>Puts rows straight into the queue table, for node tests that need no client.</summary>
public static class TestEmails
{
    public static EmailRow Build(
        string to = "ann@example.com",
        string from = "app@example.com",
        string subject = "Hello",
        EmailPriority priority = EmailPriority.Normal,
        long? nextAttemptAt = null,
        params string[] moreRecipients)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        foreach (var recipient in moreRecipients)
        {
            message.To.Add(MailboxAddress.Parse(recipient));
        }

        message.Subject = subject;
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId();
        message.Date = DateTimeOffset.UtcNow;
        message.Body = new TextPart("plain") { Text = $"Body of {subject}" };
        return FromMessage(message, priority, nextAttemptAt);
    }

    public static EmailRow FromMessage(MimeMessage message, EmailPriority priority = EmailPriority.Normal, long? nextAttemptAt = null)
    {
        using var stream = new MemoryStream();
        message.WriteTo(FormatOptions.Default, stream);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var recipients = message.To.Mailboxes.Concat(message.Cc.Mailboxes).Concat(message.Bcc.Mailboxes)
            .Select(m => m.Address);
        return new EmailRow
        {
            Id = Guid.CreateVersion7(),
            Source = "tests",
            Priority = priority,
            Status = EmailStatus.Queued,
            EnvelopeFrom = message.From.Mailboxes.First().Address,
            Recipients = RecipientList.Join(recipients),
            Subject = message.Subject ?? "",
            Mime = stream.ToArray(),
            Size = (int)stream.Length,
            MessageId = message.MessageId ?? "",
            NextAttemptAt = nextAttemptAt ?? now,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    public static async Task InsertAsync(RelayDatabase database, IEnumerable<EmailRow> rows)
    {
        await using var db = database.Connect();
        await db.Emails.BulkCopyAsync(new BulkCopyOptions { BulkCopyType = BulkCopyType.ProviderSpecific }, rows);
    }

    public static async Task<EmailRow> ReadAsync(RelayDatabase database, Guid id)
    {
        await using var db = database.Connect();
        return await db.Emails.SingleAsync(e => e.Id == id);
    }
}
