using MimeKit;

namespace Relay.Client.Internal;

/// <summary>What makes an address usable for SMTP delivery.</summary>
internal static class AddressRules
{
    public static MailboxAddress ParseMailbox(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw EnqueueErrors.EmptyAddress(field);
        }

        if (HeaderText.HasLineBreak(value))
        {
            throw EnqueueErrors.LineBreak(field, $"the address \"{value.ReplaceLineEndings(" ")}\"");
        }

        if (!MailboxAddress.TryParse(value, out var mailbox))
        {
            throw EnqueueErrors.BadAddress(field, value);
        }

        CheckMailbox(mailbox, field);
        return mailbox;
    }

    public static void CheckList(InternetAddressList list, string field)
    {
        foreach (var address in list)
        {
            CheckAddress(address, field);
        }
    }

    public static void CheckMailbox(MailboxAddress mailbox, string field)
    {
        if (HeaderText.HasLineBreak(mailbox.Name))
        {
            throw EnqueueErrors.LineBreak(field, $"the display name of \"{mailbox.Address}\"");
        }

        if (!IsDeliverable(mailbox.Address))
        {
            throw EnqueueErrors.BadAddress(field, mailbox.Address);
        }
    }

    private static void CheckAddress(InternetAddress address, string field)
    {
        switch (address)
        {
            case MailboxAddress mailbox:
                CheckMailbox(mailbox, field);
                break;
            case GroupAddress group:
                if (HeaderText.HasLineBreak(group.Name))
                {
                    throw EnqueueErrors.LineBreak(field, "a group name");
                }

                CheckList(group.Members, field);
                break;
        }
    }

    // MimeKit accepts a bare local part ("ann") as an address; SMTP needs local-part@domain.
    private static bool IsDeliverable(string? address)
    {
        if (string.IsNullOrEmpty(address) || address.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return false;
        }

        var at = address.LastIndexOf('@');
        return at > 0 && at < address.Length - 1 && MailboxAddress.TryParse(address, out _);
    }
}
