using SmtpServer.Protocol;

namespace Relay.DevSmtp.Internal;

/// <summary>An SMTP reply the script asks for instead of the default one.</summary>
internal readonly record struct ScriptedReply(int Code, string Text)
{
    public SmtpResponse ToResponse() => new((SmtpReplyCode)Code, Text);

    // LIMITATION: SmtpServer appends ", <n> retry(ies) remaining." to replies thrown from MAIL FROM and
    // RCPT TO, so the client sees "550 No such user, 999 retry(ies) remaining."; the code is exact.
    public SmtpResponseException ToException() => new(ToResponse());
}
