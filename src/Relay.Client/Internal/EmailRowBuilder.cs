using MimeKit;
using MimeKit.Utils;
using Relay.Shared.Queue;

namespace Relay.Client.Internal;

/// <summary>
/// Turns a message and its options into the row the node expects: stamped, validated, Bcc-free
/// MIME and the envelope beside it. Does no I/O.
/// </summary>
internal sealed class EmailRowBuilder
{
    private readonly string _source;
    private readonly MailboxAddress? _defaultFrom;
    private readonly long _maxMessageSize;
    private readonly FormatOptions _format;

    public EmailRowBuilder(RelayQueueOptions options)
    {
        _source = options.Source;
        _defaultFrom = string.IsNullOrWhiteSpace(options.DefaultFrom)
            ? null
            : AddressRules.ParseMailbox(options.DefaultFrom, "DefaultFrom");
        _maxMessageSize = options.MaxMessageSize;

        // Bcc is hidden when writing rather than removed, so the caller's message keeps it. CRLF
        // makes the stored bytes the wire format, whatever platform the application runs on.
        _format = FormatOptions.Default.Clone();
        _format.HiddenHeaders.Add(HeaderId.Bcc);
        _format.NewLineFormat = NewLineFormat.Dos;
    }

    public EmailRow Build(MimeMessage message, EnqueueOptions? options, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(message);
        options ??= new EnqueueOptions();
        CheckOptions(options);

        if (!message.From.Mailboxes.Any())
        {
            message.From.Add((MailboxAddress)(_defaultFrom ?? throw EnqueueErrors.NoFrom()).Clone());
        }

        MessageValidator.Validate(message);
        var sender = message.Sender ?? message.From.Mailboxes.First();
        if (string.IsNullOrWhiteSpace(message.MessageId))
        {
            message.MessageId = NewMessageId(sender);
        }

        if (!message.Headers.Contains(HeaderId.Date))
        {
            message.Date = now;
        }

        var recipients = Recipients(message);
        if (recipients.Length == 0)
        {
            throw EnqueueErrors.NoRecipients();
        }

        var mime = Write(message);
        var nowMs = now.ToUnixTimeMilliseconds();
        return new EmailRow
        {
            Id = Guid.CreateVersion7(now),
            Source = _source,
            IdempotencyKey = options.IdempotencyKey,
            Priority = options.Priority,
            Status = EmailStatus.Queued,
            EnvelopeFrom = sender.Address,
            Recipients = recipients,
            PendingRecipients = null,
            Subject = message.Subject ?? "",
            Mime = mime,
            Size = mime.Length,
            MessageId = message.MessageId,
            Attempts = 0,
            NextAttemptAt = options.NotBefore?.ToUnixTimeMilliseconds() ?? nowMs,
            ExpiresAt = options.ExpiresAt?.ToUnixTimeMilliseconds(),
            CreatedAt = nowMs,
            UpdatedAt = nowMs,
        };
    }

    private static void CheckOptions(EnqueueOptions options)
    {
        if (!Enum.IsDefined(options.Priority))
        {
            throw new RelayEnqueueException("Priority", $"Priority: {(short)options.Priority} is not a priority. "
                + "Use EmailPriority.Low, Normal or High.");
        }

        if (options.ExpiresAt < options.NotBefore)
        {
            throw new RelayEnqueueException("ExpiresAt", $"ExpiresAt: {options.ExpiresAt:O} is before NotBefore "
                + $"{options.NotBefore:O}, so the email would expire before it may be sent. Set ExpiresAt after "
                + "NotBefore, or leave it null.");
        }

        if (options.IdempotencyKey is not null && string.IsNullOrWhiteSpace(options.IdempotencyKey))
        {
            throw new RelayEnqueueException("IdempotencyKey", "IdempotencyKey: the key is empty. Give a key that "
                + "identifies the email in your application, or null for no de-duplication.");
        }
    }

    // Every envelope recipient once (compared without case), in header order, in the stored form.
    private static string Recipients(MimeMessage message)
    {
        var addresses = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        ReadOnlySpan<InternetAddressList> lists = [message.To, message.Cc, message.Bcc];
        foreach (var list in lists)
        {
            foreach (var mailbox in list.Mailboxes)
            {
                if (seen.Add(mailbox.Address))
                {
                    addresses.Add(mailbox.Address);
                }
            }
        }

        return RecipientList.Join(addresses);
    }

    // A Message-ID in the sender's domain looks less like spam than one in the machine's name.
    private static string NewMessageId(MailboxAddress sender)
    {
        var domain = sender.Domain;
        return !string.IsNullOrEmpty(domain) && domain.All(char.IsAscii)
            ? MimeUtils.GenerateMessageId(domain)
            : MimeUtils.GenerateMessageId();
    }

    private byte[] Write(MimeMessage message)
    {
        using var stream = new MemoryStream();
        message.WriteTo(_format, stream);
        if (stream.Length > _maxMessageSize)
        {
            throw EnqueueErrors.TooLarge(stream.Length, _maxMessageSize);
        }

        return stream.ToArray();
    }
}
