using MimeKit;

namespace Relay.DevSmtp;

/// <summary>A message the server accepted (answered 250 after DATA).</summary>
/// <param name="EnvelopeFrom">The MAIL FROM address; empty for the null sender.</param>
/// <param name="Recipients">The accepted RCPT TO addresses, in order.</param>
/// <param name="Data">The message exactly as received, dot-unstuffed, ending with CRLF.</param>
/// <param name="ReceivedAt">When the final dot was received.</param>
public sealed record ReceivedMessage(
    string EnvelopeFrom,
    IReadOnlyList<string> Recipients,
    byte[] Data,
    DateTimeOffset ReceivedAt)
{
    /// <summary>Parses <see cref="Data"/> with MimeKit.</summary>
    public MimeMessage Parse()
    {
        using var stream = new MemoryStream(Data, writable: false);
        return MimeMessage.Load(stream);
    }
}
