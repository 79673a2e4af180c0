using System.Text;
using MimeKit;

namespace Relay.Client.Tests.Support;

/// <summary>
/// Compares messages by what a recipient sees: headers (without Bcc) and decoded parts; attachments
/// byte for byte.
/// </summary>
public static class MimeAssert
{
    public static void Equivalent(MimeMessage expected, MimeMessage actual)
    {
        Assert.Equal(VisibleHeaders(expected), VisibleHeaders(actual));
        Assert.Equal(expected.Body?.ContentType.MimeType, actual.Body?.ContentType.MimeType);

        var expectedParts = expected.BodyParts.ToList();
        var actualParts = actual.BodyParts.ToList();
        Assert.Equal(expectedParts.Count, actualParts.Count);
        for (var i = 0; i < expectedParts.Count; i++)
        {
            var want = Assert.IsAssignableFrom<MimePart>(expectedParts[i]);
            var got = Assert.IsAssignableFrom<MimePart>(actualParts[i]);
            Assert.Equal(want.ContentType.MimeType, got.ContentType.MimeType);
            Assert.Equal(want.FileName, got.FileName);
            Assert.Equal(want.ContentId, got.ContentId);
            Assert.Equal(want.IsAttachment, got.IsAttachment);
            if (want.IsAttachment)
            {
                Assert.Equal(Decoded(want), Decoded(got));
            }
            else
            {
                // A body that is the last part of a message gains the message's closing line break.
                Assert.Equal(Encoding.UTF8.GetString(Decoded(want)).TrimEnd('\r', '\n'),
                    Encoding.UTF8.GetString(Decoded(got)).TrimEnd('\r', '\n'));
            }
        }
    }

    public static byte[] Decoded(MimePart part)
    {
        using var stream = new MemoryStream();
        part.Content?.DecodeTo(stream);
        return stream.ToArray();
    }

    private static List<string> VisibleHeaders(MimeMessage message) =>
        message.Headers.Where(h => h.Id != HeaderId.Bcc).Select(h => $"{h.Field}: {h.Value}").ToList();
}
