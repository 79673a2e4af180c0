using MailKit.Net.Smtp;
using MimeKit;
using MailKitSmtpResponse = MailKit.Net.Smtp.SmtpResponse;

namespace Relay.Node.Smtp;

/// <summary>
/// MailKit's client, changed in one way: a refused recipient is recorded instead of aborting the
/// message, so the accepted recipients still get it and each refusal keeps its own reply.
/// </summary>
internal sealed class RelaySmtpClient : SmtpClient
{
    private readonly List<Delivery.RecipientRefusal> _refusals = [];

    public IReadOnlyList<Delivery.RecipientRefusal> Refusals => _refusals;

    /// <summary>
    /// The size of the message about to be sent, when known: the stored MIME is exactly what goes
    /// on the wire, so MailKit need not serialize it a second time just to measure it.
    /// </summary>
    public long? KnownSize { get; set; }

    public void ResetRefusals() => _refusals.Clear();

    protected override long GetSize(FormatOptions options, MimeMessage message, CancellationToken cancellationToken) =>
        KnownSize ?? base.GetSize(options, message, cancellationToken);

    protected override Task<long> GetSizeAsync(
        FormatOptions options,
        MimeMessage message,
        CancellationToken cancellationToken) =>
        KnownSize is { } size ? Task.FromResult(size) : base.GetSizeAsync(options, message, cancellationToken);

    protected override void OnRecipientNotAccepted(
        MimeMessage message,
        MailboxAddress mailbox,
        MailKitSmtpResponse response)
    {
        _refusals.Add(new Delivery.RecipientRefusal(mailbox.Address, (int)response.StatusCode, response.Response));
    }
}
