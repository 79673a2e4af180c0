using MimeKit;

namespace Relay.Client.Internal;

/// <summary>
/// Checks a complete message for what must never reach the queue: unusable addresses and line
/// breaks inside header values, display names and file names.
/// </summary>
internal static class MessageValidator
{
    public static void Validate(MimeMessage message)
    {
        AddressRules.CheckList(message.From, "From");
        if (message.Sender is { } sender)
        {
            AddressRules.CheckMailbox(sender, "Sender");
        }

        AddressRules.CheckList(message.ReplyTo, "ReplyTo");
        AddressRules.CheckList(message.To, "To");
        AddressRules.CheckList(message.Cc, "Cc");
        AddressRules.CheckList(message.Bcc, "Bcc");

        // LIMITATION: MimeKit drops CR and LF from a Subject or header value set through its API before
        // the queue sees the message, so such a value is stored joined up ("HiBcc: x") instead of
        // refused. No header can be injected that way; OutgoingEmail input is refused.
        foreach (var header in message.Headers)
        {
            if (HeaderText.HasLineBreak(header))
            {
                throw EnqueueErrors.LineBreak(FieldOf(header), "the value");
            }
        }

        var attachment = 0;
        foreach (var entity in Entities(message.Body))
        {
            var fileName = entity.ContentDisposition?.FileName ?? entity.ContentType.Name;
            var field = fileName is null ? "Body" : $"Attachments[{attachment++}]";
            if (HeaderText.HasLineBreak(entity.ContentDisposition?.FileName)
                || HeaderText.HasLineBreak(entity.ContentType.Name))
            {
                throw EnqueueErrors.LineBreak($"{field}.FileName", "the file name");
            }

            foreach (var header in entity.Headers)
            {
                if (HeaderText.HasLineBreak(header))
                {
                    throw EnqueueErrors.LineBreak($"{field}.Headers[{header.Field}]", "the value");
                }
            }
        }
    }

    private static string FieldOf(Header header) => header.Id switch
    {
        HeaderId.Subject => "Subject",
        HeaderId.From => "From",
        HeaderId.Sender => "Sender",
        HeaderId.ReplyTo => "ReplyTo",
        HeaderId.To => "To",
        HeaderId.Cc => "Cc",
        HeaderId.Bcc => "Bcc",
        _ => $"Headers[{header.Field}]",
    };

    private static IEnumerable<MimeEntity> Entities(MimeEntity? root)
    {
        if (root is null)
        {
            yield break;
        }

        yield return root;
        if (root is Multipart multipart)
        {
            foreach (var child in multipart.SelectMany(Entities))
            {
                yield return child;
            }
        }
    }
}
