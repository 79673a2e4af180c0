using MimeKit;
using MimeKit.Utils;

namespace Relay.Client.Internal;

/// <summary>Finds line breaks that a header value must not carry, however they got there.</summary>
internal static class HeaderText
{
    public static bool HasLineBreak(string? value) =>
        value is not null && value.AsSpan().IndexOfAny('\r', '\n') >= 0;

    /// <summary>
    /// True when the written header would carry a line break that is not folding: a raw CR or LF
    /// not followed by white space (a new header or the body would start there), or an encoded
    /// word that decodes to CR or LF.
    /// </summary>
    public static bool HasLineBreak(Header header)
    {
        var raw = header.RawValue;
        var length = raw.Length;
        if (length > 0 && raw[length - 1] == '\n')
        {
            length--;
            if (length > 0 && raw[length - 1] == '\r')
            {
                length--;
            }
        }

        var encoded = false;
        for (var i = 0; i < length; i++)
        {
            var b = raw[i];
            if (b is (byte)'\r' or (byte)'\n')
            {
                if (b == '\r' && i + 1 < length && raw[i + 1] == '\n')
                {
                    i++;
                }

                if (i + 1 < length && raw[i + 1] is (byte)' ' or (byte)'\t')
                {
                    continue;
                }

                return true;
            }

            encoded |= b == '=' && i + 1 < length && raw[i + 1] == '?';
        }

        // Only an encoded word (=?charset?...) can decode to a line break; most headers have none.
        return encoded && HasLineBreak(DecodeUnfolded(raw, length));
    }

    private static string DecodeUnfolded(byte[] raw, int length)
    {
        var unfolded = new byte[length];
        var count = 0;
        for (var i = 0; i < length; i++)
        {
            if (raw[i] is not ((byte)'\r' or (byte)'\n'))
            {
                unfolded[count++] = raw[i];
            }
        }

        return Rfc2047.DecodeText(unfolded, 0, count);
    }
}
