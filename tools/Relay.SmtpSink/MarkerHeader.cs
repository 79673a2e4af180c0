using System.Text;

namespace Relay.SmtpSink;

/// <summary>Finds one header's value in a raw message without parsing the whole MIME.</summary>
internal sealed class MarkerHeader
{
    private readonly byte[] _lineStart;

    public MarkerHeader(string name)
    {
        _lineStart = Encoding.ASCII.GetBytes($"\r\n{name}:");
    }

    /// <summary>The trimmed value of the first such header, or null when the header block has none.</summary>
    public string? Find(ReadOnlySpan<byte> message)
    {
        var headerEnd = message.IndexOf("\r\n\r\n"u8);
        var headers = headerEnd < 0 ? message : message[..(headerEnd + 2)];
        var at = headers.StartsWith(_lineStart.AsSpan(2))
            ? 0
            : headers.IndexOf(_lineStart) is var found and >= 0 ? found + 2 : -1;
        if (at < 0)
        {
            return null;
        }

        var value = headers[(at + _lineStart.Length - 2)..];
        var end = value.IndexOf("\r\n"u8);
        return Encoding.ASCII.GetString(end < 0 ? value : value[..end]).Trim();
    }
}
