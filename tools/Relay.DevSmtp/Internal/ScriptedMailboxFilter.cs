using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Relay.DevSmtp.Internal;

/// <summary>Answers MAIL FROM and RCPT TO as the script says.</summary>
internal sealed class ScriptedMailboxFilter : IMailboxFilter
{
    private static readonly SmtpResponse StartTlsFirst =
        new(SmtpReplyCode.AuthenticationRequired, "5.7.0 Must issue a STARTTLS command first");

    private readonly DevSmtpScript _script;
    private readonly bool _requireTls;

    public ScriptedMailboxFilter(DevSmtpScript script, bool requireTls)
    {
        _script = script;
        _requireTls = requireTls;
    }

    public Task<bool> CanAcceptFromAsync(
        ISessionContext context,
        IMailbox from,
        int size,
        CancellationToken cancellationToken)
    {
        if (_requireTls && !context.Pipe.IsSecure)
        {
            throw new SmtpResponseException(StartTlsFirst);
        }

        if (_script.FindSenderRejection(from.AsAddress() ?? string.Empty) is { } reply)
        {
            throw reply.ToException();
        }

        return Task.FromResult(true);
    }

    public Task<bool> CanDeliverToAsync(
        ISessionContext context,
        IMailbox to,
        IMailbox from,
        CancellationToken cancellationToken)
    {
        var address = to.AsAddress() ?? string.Empty;
        if (_script.TryConsumeRecipientDrop(address))
        {
            DevSmtpConnection.Of(context).Abort();
            throw new IOException($"DevSmtp script dropped the connection at RCPT TO:<{address}>.");
        }

        if (_script.FindRecipientRejection(address) is { } reply)
        {
            throw reply.ToException();
        }

        return Task.FromResult(true);
    }
}
