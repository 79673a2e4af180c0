using System.Diagnostics;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;

namespace Relay.DevSmtp.Tests;

public sealed class DevSmtpScriptSpecs
{
    /// <summary>A dropped connection must surface well before the client's own timeout.</summary>
    private static readonly TimeSpan PromptFailure = TimeSpan.FromSeconds(5);

    [Theory]
    [InlineData(550, SmtpStatusCode.MailboxUnavailable)]
    [InlineData(450, SmtpStatusCode.MailboxBusy)]
    public async Task Should_deliver_only_to_accepted_recipients_when_one_recipient_is_rejected(
        int code, SmtpStatusCode expected)
    {
        await using var server = await TestMail.StartAsync();
        server.Script.RejectRecipient("bad@example.com", code, "No such user");
        using var client = await TestMail.ConnectAsync(server, new TolerantSmtpClient());

        await client.SendAsync(TestMail.Message("sender@example.com", "good@example.com", "bad@example.com"));

        var rejected = Assert.Single(client.Rejected);
        Assert.Equal(("bad@example.com", expected), rejected);
        var received = Assert.Single(server.Messages);
        Assert.Equal(["good@example.com"], received.Recipients);
        Assert.Equal(0, server.CountFor("bad@example.com"));
    }

    [Fact]
    public async Task Should_abort_the_message_when_a_recipient_is_rejected_and_the_client_is_not_tolerant()
    {
        await using var server = await TestMail.StartAsync();
        server.Script.RejectRecipient("bad@example.com", 550, "No such user");
        using var client = await TestMail.ConnectAsync(server);

        var error = await Assert.ThrowsAsync<SmtpCommandException>(() =>
            client.SendAsync(TestMail.Message("sender@example.com", "good@example.com", "bad@example.com")));

        Assert.Equal(SmtpErrorCode.RecipientNotAccepted, error.ErrorCode);
        Assert.Equal(SmtpStatusCode.MailboxUnavailable, error.StatusCode);
        Assert.Equal("bad@example.com", error.Mailbox?.Address);
        Assert.StartsWith("No such user", error.Message);
        Assert.Equal(0, server.MessageCount);
    }

    [Theory]
    [InlineData(553, SmtpStatusCode.MailboxNameNotAllowed)]
    [InlineData(451, SmtpStatusCode.ErrorInProcessing)]
    public async Task Should_throw_sender_not_accepted_when_the_sender_is_rejected(
        int code, SmtpStatusCode expected)
    {
        await using var server = await TestMail.StartAsync();
        server.Script.RejectSender("blocked@example.com", code);
        using var client = await TestMail.ConnectAsync(server);

        var error = await Assert.ThrowsAsync<SmtpCommandException>(() =>
            client.SendAsync(TestMail.Message("blocked@example.com", "a@example.com")));

        Assert.Equal(SmtpErrorCode.SenderNotAccepted, error.ErrorCode);
        Assert.Equal(expected, error.StatusCode);
        Assert.Equal(0, server.MessageCount);
        await client.SendAsync(TestMail.Message("fine@example.com", "a@example.com"));
        Assert.Equal(1, server.MessageCount);
    }

    [Theory]
    [InlineData(451, SmtpStatusCode.ErrorInProcessing)]
    [InlineData(554, SmtpStatusCode.TransactionFailed)]
    public async Task Should_throw_message_not_accepted_when_data_is_rejected(int code, SmtpStatusCode expected)
    {
        await using var server = await TestMail.StartAsync();
        server.Script.RejectData(code, "Try later", times: 1);
        using var client = await TestMail.ConnectAsync(server);

        var error = await Assert.ThrowsAsync<SmtpCommandException>(() =>
            client.SendAsync(TestMail.Message("sender@example.com", "a@example.com")));

        Assert.Equal(SmtpErrorCode.MessageNotAccepted, error.ErrorCode);
        Assert.Equal(expected, error.StatusCode);
        Assert.Equal("Try later", error.Message);
        Assert.Equal(0, server.MessageCount);
        await client.SendAsync(TestMail.Message("sender@example.com", "a@example.com"));
        Assert.Equal(1, server.MessageCount);
    }

    [Fact]
    public async Task Should_fail_promptly_when_the_connection_is_dropped_at_a_recipient()
    {
        await using var server = await TestMail.StartAsync();
        server.Script.DropConnectionAtRecipient("drop@example.com");
        using var client = await TestMail.ConnectAsync(server);
        var stopwatch = Stopwatch.StartNew();

        var error = await Record.ExceptionAsync(() =>
            client.SendAsync(TestMail.Message("sender@example.com", "ok@example.com", "drop@example.com")));

        stopwatch.Stop();
        AssertConnectionLevel(error);
        Assert.True(stopwatch.Elapsed < PromptFailure, $"The client failed only after {stopwatch.Elapsed}.");
        Assert.False(client.IsConnected);
        Assert.Equal(0, server.MessageCount);

        using var again = await TestMail.ConnectAsync(server);
        await again.SendAsync(TestMail.Message("sender@example.com", "ok@example.com", "drop@example.com"));
        Assert.Equal(1, server.CountFor("drop@example.com"));
    }

    [Fact]
    public async Task Should_fail_promptly_and_record_nothing_when_the_connection_is_dropped_after_data()
    {
        await using var server = await TestMail.StartAsync();
        server.Script.DropConnectionAfterData();
        using var client = await TestMail.ConnectAsync(server);
        var stopwatch = Stopwatch.StartNew();

        var error = await Record.ExceptionAsync(() =>
            client.SendAsync(TestMail.Message("sender@example.com", "a@example.com")));

        stopwatch.Stop();
        AssertConnectionLevel(error);
        Assert.True(stopwatch.Elapsed < PromptFailure, $"The client failed only after {stopwatch.Elapsed}.");
        Assert.Equal(0, server.MessageCount);
        Assert.Equal(0, server.CountFor("a@example.com"));
    }

    [Fact]
    public async Task Should_answer_data_late_when_the_reply_is_delayed()
    {
        var delay = TimeSpan.FromMilliseconds(300);
        await using var server = await TestMail.StartAsync();
        server.Script.DelayDataReply(delay);
        using var client = await TestMail.ConnectAsync(server);
        var stopwatch = Stopwatch.StartNew();

        await client.SendAsync(TestMail.Message("sender@example.com", "a@example.com"));

        // Timer granularity can end a delay a millisecond or two early; a prompt reply would take ~1 ms.
        Assert.True(stopwatch.Elapsed >= delay * 0.9, $"The reply came after {stopwatch.Elapsed}.");
        Assert.Equal(1, server.MessageCount);
    }

    [Fact]
    public async Task Should_time_out_the_client_and_still_accept_when_the_reply_is_later_than_its_timeout()
    {
        await using var server = await TestMail.StartAsync();
        server.Script.DelayDataReply(TimeSpan.FromSeconds(2));
        using var client = await TestMail.ConnectAsync(server);
        client.Timeout = 300;

        var error = await Record.ExceptionAsync(() =>
            client.SendAsync(TestMail.Message("sender@example.com", "a@example.com")));

        Assert.IsType<TimeoutException>(error);
        Assert.False(client.IsConnected);

        // The server finishes the transaction it was given: the client timed out on a delivered message.
        await server.WaitForMessagesAsync(1, TestMail.WaitTimeout);
    }

    [Fact]
    public async Task Should_refuse_connections_and_reset_open_sessions_until_switched_back()
    {
        await using var server = await TestMail.StartAsync();
        using var open = await TestMail.ConnectAsync(server);

        server.Script.RefuseConnections(true);

        var connectError = await Record.ExceptionAsync(() => TestMail.ConnectAsync(server));
        var socketError = Assert.IsType<SocketException>(connectError);
        Assert.Equal(SocketError.ConnectionRefused, socketError.SocketErrorCode);
        var sendError = await Record.ExceptionAsync(() =>
            open.SendAsync(TestMail.Message("sender@example.com", "a@example.com")));
        AssertConnectionLevel(sendError);

        server.Script.RefuseConnections(false);

        using var client = await TestMail.ConnectAsync(server);
        await client.SendAsync(TestMail.Message("sender@example.com", "a@example.com"));
        Assert.Equal(1, server.MessageCount);
    }

    [Fact]
    public async Task Should_accept_everything_again_when_the_script_is_reset()
    {
        await using var server = await TestMail.StartAsync();
        server.Script.RejectSender("s@example.com", 550);
        server.Script.RejectRecipient("r@example.com", 550);
        server.Script.RejectData(554);
        server.Script.DropConnectionAfterData();
        server.Script.RefuseConnections(true);

        server.Script.Reset();

        using var client = await TestMail.ConnectAsync(server);
        await client.SendAsync(TestMail.Message("s@example.com", "r@example.com"));
        Assert.Equal(1, server.CountFor("r@example.com"));
    }

    private static void AssertConnectionLevel(Exception? error)
    {
        Assert.NotNull(error);
        Assert.True(
            error is IOException or SmtpProtocolException or ServiceNotConnectedException,
            $"Expected a connection-level failure, got {error}");
    }
}
