using MimeKit;

namespace Relay.Client.Tests.Support;

public static class SampleMessages
{
    public static MimeMessage Simple(string subject = "Hello")
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Shop", "shop@example.com"));
        message.To.Add(new MailboxAddress("Ann", "ann@example.com"));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = "Hello Ann" };
        return message;
    }

    public static OutgoingEmail Outgoing(string subject = "Hello") => new()
    {
        From = "Shop <shop@example.com>",
        To = ["Ann <ann@example.com>"],
        Subject = subject,
        TextBody = "Hello Ann",
    };
}
