using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Relay.DevSmtp.Tests;

/// <summary>Messages and MailKit clients for the specs.</summary>
internal static class TestMail
{
    /// <summary>Client timeout: every failure a spec expects must arrive well before it.</summary>
    public static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan WaitTimeout = TimeSpan.FromSeconds(10);

    public static MimeMessage Message(string from, params string[] to)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        foreach (var recipient in to)
        {
            message.To.Add(MailboxAddress.Parse(recipient));
        }

        message.Subject = "Hello from the specs";
        message.Body = new TextPart("plain") { Text = "Line one\r\n.leading dot\r\nLast line" };
        return message;
    }

    public static async Task<T> ConnectAsync<T>(
        DevSmtpServer server,
        T client,
        SecureSocketOptions security = SecureSocketOptions.None)
        where T : SmtpClient
    {
        client.Timeout = (int)ClientTimeout.TotalMilliseconds;
        client.CheckCertificateRevocation = false;
        client.ServerCertificateValidationCallback = (_, certificate, _, _) =>
            certificate is not null && server.Certificate is not null
            && certificate.GetCertHashString() == server.Certificate.GetCertHashString();
        await client.ConnectAsync(server.Host, server.Port, security);
        return client;
    }

    public static Task<SmtpClient> ConnectAsync(
        DevSmtpServer server,
        SecureSocketOptions security = SecureSocketOptions.None) =>
        ConnectAsync(server, new SmtpClient(), security);

    public static async Task<DevSmtpServer> StartAsync(DevSmtpOptions? options = null)
    {
        var server = new DevSmtpServer(options);
        await server.StartAsync();
        return server;
    }
}

/// <summary>Keeps sending to the accepted recipients when some are rejected, and remembers the rejections.</summary>
internal sealed class TolerantSmtpClient : SmtpClient
{
    public List<(string Address, SmtpStatusCode Status)> Rejected { get; } = new();

    protected override void OnRecipientNotAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response)
    {
        Rejected.Add((mailbox.Address, response.StatusCode));
    }
}
