using System.Text;
using MimeKit;
using Relay.Client.Internal;

namespace Relay.Client.Tests.Internal;

public sealed class HeaderTextSpecs
{
    [Theory]
    [InlineData(" Your order has shipped\r\n")]
    [InlineData(" Your order\r\n has shipped\r\n")]
    [InlineData(" =?utf-8?q?Caf=C3=A9?= is open\r\n")]
    [InlineData(" =?utf-8?q?Caf=C3=A9?=\r\n\t=?utf-8?q?is_open?=\r\n")]
    [InlineData(" 2 + 2 = 4? yes\r\n")]
    public void Should_find_no_line_break_in_plain_folded_or_encoded_text(string raw)
    {
        Assert.False(HeaderText.HasLineBreak(WithRawValue(raw)));
    }

    [Theory]
    [InlineData(" a\r\nBcc: evil@example.net\r\n")]
    [InlineData(" a\nb\r\n")]
    [InlineData(" =?utf-8?q?Hi=0D=0ABcc:_evil@example.net?=\r\n")]
    [InlineData(" Hi\r\n =?utf-8?q?=0ABcc:_evil@example.net?=\r\n")]
    public void Should_find_a_line_break_when_it_is_raw_or_encoded(string raw)
    {
        Assert.True(HeaderText.HasLineBreak(WithRawValue(raw)));
    }

    private static Header WithRawValue(string raw)
    {
        var header = new Header("Subject", "placeholder");
        header.SetRawValue(Encoding.ASCII.GetBytes(raw));
        return header;
    }
}
