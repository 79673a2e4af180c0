using MailKit;
using MailKit.Security;
using MimeKit;
using Relay.Node.Data;
using Relay.Node.Delivery;
using Relay.Node.Options;

namespace Relay.Node.Smtp;

/// <summary>One SMTP connection, reused across messages, that reports each attempt as plain facts.</summary>
internal sealed class SmtpConnection : IDisposable
{
    private readonly SmtpOptions _options;
    private readonly RelaySmtpClient _client = new();

    // One parser per connection, reused for every email: its buffers are allocated once. Persistent
    // parsing leaves the content in the stored bytes (read-only, alive until the send ends) rather
    // than copying it out.
    private readonly MimeParser _parser = new(Stream.Null, persistent: true);

    public SmtpConnection(SmtpOptions options)
    {
        _options = options;
        _client.Timeout = (int)options.CommandTimeout.TotalMilliseconds;
        if (!string.IsNullOrEmpty(options.HeloName))
        {
            _client.LocalDomain = options.HeloName;
        }

        if (options.AcceptAnyCertificate)
        {
            _client.ServerCertificateValidationCallback = (_, _, _, _) => true;
        }
    }

    public bool IsConnected => _client.IsConnected;

    /// <summary>Messages sent on this connection since it was opened.</summary>
    public int MessagesSent { get; private set; }

    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ConnectTimeout);
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync(quit: false, CancellationToken.None);
        }

        MessagesSent = 0;
        // Host is required by options validation before any sender starts.
        await _client.ConnectAsync(_options.Host!, _options.Port, ToMailKit(_options.Security), timeout.Token);
        if (!string.IsNullOrEmpty(_options.Username))
        {
            await _client.AuthenticateAsync(_options.Username, _options.Password ?? "", timeout.Token);
        }
    }

    /// <summary>Sends one email; never throws for SMTP or connection failures, it reports them.</summary>
    public async Task<SendReport> SendAsync(ClaimedEmail email, CancellationToken cancellationToken)
    {
        var recipients = email.Recipients;
        var progress = new DataProgress();
        _client.ResetRefusals();
        _client.KnownSize = email.Mime.Length;
        try
        {
            _parser.SetStream(new MemoryStream(email.Mime, writable: false), persistent: true);
            var message = _parser.ParseMessage(cancellationToken);
            var sender = MailboxAddress.Parse(email.EnvelopeFrom);
            var mailboxes = recipients.Select(MailboxAddress.Parse).ToList();
            await _client.SendAsync(message, sender, mailboxes, cancellationToken, progress);
            MessagesSent++;
            return SendReport.Accepted(recipients, Refusals());
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            return new SendReport(recipients, Refusals(), progress.Complete, error);
        }
    }

    public async Task DisconnectAsync()
    {
        if (_client.IsConnected)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _client.DisconnectAsync(quit: true, timeout.Token);
            }
            catch (Exception error) when (SmtpFailureClassifier.IsConnectionLevel(error))
            {
                // Closing a connection that is already broken has nothing left to report.
            }
        }
    }

    public void Dispose() => _client.Dispose();

    private IReadOnlyList<RecipientRefusal> Refusals() => _client.Refusals.Count == 0 ? [] : [.. _client.Refusals];

    private static SecureSocketOptions ToMailKit(SmtpSecurity security) => security switch
    {
        SmtpSecurity.None => SecureSocketOptions.None,
        SmtpSecurity.StartTlsWhenAvailable => SecureSocketOptions.StartTlsWhenAvailable,
        SmtpSecurity.StartTls => SecureSocketOptions.StartTls,
        SmtpSecurity.TlsOnConnect => SecureSocketOptions.SslOnConnect,
        _ => throw new ArgumentOutOfRangeException(nameof(security), security, "Unknown SMTP security mode."),
    };

    // MailKit reports DATA progress with the message size; once every byte is out, only the final
    // dot and the reply remain, and a failure from then on leaves delivery unknown.
    private sealed class DataProgress : ITransferProgress
    {
        public bool Complete { get; private set; }

        public void Report(long bytesTransferred, long totalSize) => Complete = bytesTransferred >= totalSize;

        public void Report(long bytesTransferred)
        {
        }
    }
}
