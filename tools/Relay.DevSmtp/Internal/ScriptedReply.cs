using SmtpServer.Protocol;

namespace Relay.DevSmtp.Internal;

/// <summary>An SMTP reply the script asks for instead of the default one.</summary>
internal readonly record struct ScriptedReply(int Code, string Text)
{
    public SmtpResponse ToResponse() => new((SmtpReplyCode)Code, Text);

    public SmtpResponseException ToException() => new(ToResponse());
}
