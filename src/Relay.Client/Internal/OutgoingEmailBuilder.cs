using MimeKit;

namespace Relay.Client.Internal;

/// <summary>Turns an <see cref="OutgoingEmail"/> into a MimeKit message, checking every value on the way.</summary>
internal static class OutgoingEmailBuilder
{
    // Set through OutgoingEmail's properties or by MimeKit itself; a second copy would contradict them.
    private static readonly HashSet<string> ReservedHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "From", "Sender", "To", "Cc", "Bcc", "Reply-To", "Subject", "MIME-Version",
        "Content-Type", "Content-Transfer-Encoding", "Content-Disposition", "Content-ID",
    };

    public static MimeMessage Build(OutgoingEmail email)
    {
        ArgumentNullException.ThrowIfNull(email);
        var message = new MimeMessage();

        // The queue stamps Date from its own clock; MimeKit's constructor used the machine's.
        message.Headers.Remove(HeaderId.Date);
        if (!string.IsNullOrWhiteSpace(email.From))
        {
            message.From.Add(AddressRules.ParseMailbox(email.From, "From"));
        }

        AddAddresses(message.To, email.To, "To");
        AddAddresses(message.Cc, email.Cc, "Cc");
        AddAddresses(message.Bcc, email.Bcc, "Bcc");
        AddAddresses(message.ReplyTo, email.ReplyTo, "ReplyTo");

        var subject = email.Subject ?? "";
        if (HeaderText.HasLineBreak(subject))
        {
            throw EnqueueErrors.LineBreak("Subject", "the subject");
        }

        message.Subject = subject;
        foreach (var (name, value) in email.Headers ?? new Dictionary<string, string>())
        {
            CheckHeader(name, value);
            message.Headers[name] = value;
        }

        message.Body = BuildBody(email);
        return message;
    }

    private static void AddAddresses(InternetAddressList target, IList<string>? values, string field)
    {
        foreach (var value in values ?? [])
        {
            target.Add(AddressRules.ParseMailbox(value, field));
        }
    }

    private static void CheckHeader(string name, string? value)
    {
        var field = $"Headers[{name}]";
        if (string.IsNullOrEmpty(name) || name.Any(c => c is <= ' ' or > '~' or ':'))
        {
            throw new RelayEnqueueException(field, $"{field}: \"{name}\" is not a valid header name. Use printable "
                + "ASCII without spaces or colons, such as X-Campaign.");
        }

        if (ReservedHeaders.Contains(name))
        {
            throw new RelayEnqueueException(field, $"{field}: {name} cannot be set as an extra header. Use the "
                + "OutgoingEmail property for addresses and subject; content headers come from the body and "
                + "attachments.");
        }

        if (value is null)
        {
            throw new RelayEnqueueException(field, $"{field}: the value is null. Give a value or remove the header.");
        }

        if (HeaderText.HasLineBreak(value))
        {
            throw EnqueueErrors.LineBreak(field, "the value");
        }
    }

    private static MimeEntity BuildBody(OutgoingEmail email)
    {
        var builder = new BodyBuilder { TextBody = email.TextBody, HtmlBody = email.HtmlBody };
        var attachments = email.Attachments ?? [];
        for (var i = 0; i < attachments.Count; i++)
        {
            AddAttachment(builder, attachments[i], $"Attachments[{i}]", email.HtmlBody is not null);
        }

        return builder.ToMessageBody();
    }

    private static void AddAttachment(BodyBuilder builder, EmailAttachment? attachment, string field, bool hasHtml)
    {
        if (attachment is null)
        {
            throw new RelayEnqueueException(field, $"{field}: the attachment is null. Remove it from the list.");
        }

        if (string.IsNullOrWhiteSpace(attachment.FileName))
        {
            throw new RelayEnqueueException($"{field}.FileName", $"{field}.FileName: the file name is empty. "
                + "Give the name the recipient should see, such as invoice.pdf.");
        }

        if (HeaderText.HasLineBreak(attachment.FileName))
        {
            throw EnqueueErrors.LineBreak($"{field}.FileName", "the file name");
        }

        if (attachment.Content is null)
        {
            throw new RelayEnqueueException($"{field}.Content", $"{field}.Content: the content is null. "
                + "Give the file's bytes (an empty array for an empty file).");
        }

        var type = attachment.ContentType ?? MimeTypes.GetMimeType(attachment.FileName);
        if (HeaderText.HasLineBreak(type) || !ContentType.TryParse(type, out var contentType))
        {
            throw new RelayEnqueueException($"{field}.ContentType", $"{field}.ContentType: \"{type}\" is not a "
                + "MIME type. Use a type such as application/pdf, or null to guess it from the file name.");
        }

        if (attachment.ContentId is null)
        {
            builder.Attachments.Add(attachment.FileName, attachment.Content, contentType);
            return;
        }

        var contentId = attachment.ContentId.Trim().TrimStart('<').TrimEnd('>');
        if (contentId.Length == 0 || HeaderText.HasLineBreak(contentId) || contentId.Any(char.IsWhiteSpace))
        {
            throw new RelayEnqueueException($"{field}.ContentId", $"{field}.ContentId: \"{attachment.ContentId}\" "
                + "is not a usable content id. Use a short token without spaces or line breaks, such as logo.");
        }

        if (!hasHtml)
        {
            throw new RelayEnqueueException($"{field}.ContentId", $"{field}.ContentId: an inline attachment "
                + "needs an HtmlBody that shows it (src=\"cid:" + contentId + "\"). Set HtmlBody, or remove "
                + "ContentId to attach the file normally.");
        }

        var entity = builder.LinkedResources.Add(attachment.FileName, attachment.Content, contentType);
        entity.ContentId = contentId;
    }
}
