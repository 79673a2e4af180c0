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

    public void ResetRefusals() => _refusals.Clear();

    protected override void OnRecipientNotAccepted(MimeMessage message, MailboxAddress mailbox, MailKitSmtpResponse response)
    {
        _refusals.Add(new Delivery.RecipientRefusal(mailbox.Address, (int)response.StatusCode, response.Response));
    }
}
