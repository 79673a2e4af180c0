using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Relay.Node.Delivery;

namespace Relay.Node.Tests.Delivery;

public sealed class SmtpFailureClassifierSpecs
{
    private static readonly string[] Recipients = ["ann@example.com", "bob@example.com"];

    [Fact]
    public void Should_deliver_when_the_server_accepts_every_recipient()
    {
        var decision = SmtpFailureClassifier.Classify(SendReport.Accepted(Recipients, []));

        var delivered = Assert.IsType<DeliveryDecision.Delivered>(decision);
        Assert.Empty(delivered.Rejected);
    }

    [Fact]
    public void Should_deliver_and_record_the_refused_recipient_when_one_gets_550_at_rcpt()
    {
        var refusal = new RecipientRefusal("bob@example.com", 550, "no such user");

        var decision = SmtpFailureClassifier.Classify(SendReport.Accepted(Recipients, [refusal]));

        var delivered = Assert.IsType<DeliveryDecision.Delivered>(decision);
        var rejected = Assert.Single(delivered.Rejected);
        Assert.Equal(("bob@example.com", 550, "no such user"), (rejected.Address, rejected.SmtpCode, rejected.Reply));
    }

    [Fact]
    public void Should_retry_only_the_refused_recipient_when_one_gets_450_and_the_other_is_accepted()
    {
        var refusal = new RecipientRefusal("bob@example.com", 450, "mailbox busy");

        var decision = SmtpFailureClassifier.Classify(SendReport.Accepted(Recipients, [refusal]));

        var retry = Assert.IsType<DeliveryDecision.RetryLater>(decision);
        Assert.Equal(["bob@example.com"], retry.Remaining);
        Assert.True(retry.PartiallyDelivered);
        Assert.Equal(450, retry.SmtpCode);
    }

    [Fact]
    public void Should_fail_when_every_recipient_is_refused_permanently()
    {
        var report = new SendReport(
            Recipients,
            [new("ann@example.com", 550, "no"), new("bob@example.com", 553, "bad")],
            DataTransmitted: false,
            new SmtpCommandException(SmtpErrorCode.MessageNotAccepted, SmtpStatusCode.MailboxUnavailable, "none"));

        var decision = SmtpFailureClassifier.Classify(report);

        var fail = Assert.IsType<DeliveryDecision.Fail>(decision);
        Assert.Equal(2, fail.Rejected.Count);
    }

    [Fact]
    public void Should_retry_the_temporarily_refused_when_all_are_refused_some_temporarily()
    {
        var report = new SendReport(
            Recipients,
            [new("ann@example.com", 550, "no"), new("bob@example.com", 451, "later")],
            DataTransmitted: false,
            new SmtpCommandException(SmtpErrorCode.MessageNotAccepted, SmtpStatusCode.MailboxUnavailable, "none"));

        var decision = SmtpFailureClassifier.Classify(report);

        var retry = Assert.IsType<DeliveryDecision.RetryLater>(decision);
        Assert.Equal(["bob@example.com"], retry.Remaining);
        Assert.Equal("ann@example.com", Assert.Single(retry.Rejected).Address);
        Assert.False(retry.PartiallyDelivered);
    }

    [Theory]
    [InlineData(SmtpErrorCode.SenderNotAccepted, 451)]
    [InlineData(SmtpErrorCode.MessageNotAccepted, 451)]
    [InlineData(SmtpErrorCode.MessageNotAccepted, 452)]
    public void Should_defer_when_mail_from_or_data_gets_4xx(SmtpErrorCode stage, int code)
    {
        var report = Failed(
            new SmtpCommandException(stage, (SmtpStatusCode)code, "try later"),
            dataSent: stage == SmtpErrorCode.MessageNotAccepted);

        var decision = SmtpFailureClassifier.Classify(report);

        var retry = Assert.IsType<DeliveryDecision.RetryLater>(decision);
        Assert.Equal(code, retry.SmtpCode);
        Assert.Equal(Recipients, retry.Remaining);
        Assert.False(retry.PossiblyDelivered);
        Assert.Contains("try later", retry.Reason);
    }

    [Theory]
    [InlineData(SmtpErrorCode.SenderNotAccepted, 550)]
    [InlineData(SmtpErrorCode.MessageNotAccepted, 554)]
    public void Should_fail_with_the_reply_when_mail_from_or_data_gets_5xx(SmtpErrorCode stage, int code)
    {
        var report = Failed(
            new SmtpCommandException(stage, (SmtpStatusCode)code, "rejected by policy"),
            dataSent: false);

        var decision = SmtpFailureClassifier.Classify(report);

        var fail = Assert.IsType<DeliveryDecision.Fail>(decision);
        Assert.Equal(code, fail.SmtpCode);
        Assert.Contains("rejected by policy", fail.Reason);
    }

    [Fact]
    public void Should_decide_by_the_mail_from_reply_when_pipelined_recipients_were_refused_after_it()
    {
        var report = new SendReport(
            Recipients,
            [new("ann@example.com", 503, "bad sequence"), new("bob@example.com", 503, "bad sequence")],
            DataTransmitted: false,
            new SmtpCommandException(
                SmtpErrorCode.SenderNotAccepted,
                SmtpStatusCode.MailboxUnavailable,
                "not allowed"));

        var decision = SmtpFailureClassifier.Classify(report);

        var fail = Assert.IsType<DeliveryDecision.Fail>(decision);
        Assert.Empty(fail.Rejected);
        Assert.Contains("MAIL FROM", fail.Reason);
    }

    public static TheoryData<Exception> ConnectionFailures => new()
    {
        new SocketException((int)SocketError.ConnectionRefused),
        new IOException("connection reset"),
        new SmtpProtocolException("unexpectedly disconnected"),
        new ServiceNotConnectedException(),
        new AuthenticationException("bad credentials"),
        new SslHandshakeException("certificate"),
        new TimeoutException(),
        new SmtpCommandException(SmtpErrorCode.UnexpectedStatusCode, SmtpStatusCode.ServiceNotAvailable, "closing"),
        new NotSupportedException("The SMTP server does not support authentication."),
    };

    [Theory]
    [MemberData(nameof(ConnectionFailures))]
    public void Should_requeue_without_an_attempt_when_the_connection_fails_before_the_data(Exception error)
    {
        var decision = SmtpFailureClassifier.Classify(Failed(error, dataSent: false));

        Assert.IsType<DeliveryDecision.ConnectionFailed>(decision);
    }

    [Fact]
    public void Should_defer_as_possibly_delivered_when_the_connection_drops_after_the_final_dot()
    {
        var decision = SmtpFailureClassifier.Classify(Failed(new IOException("reset"), dataSent: true));

        var retry = Assert.IsType<DeliveryDecision.RetryLater>(decision);
        Assert.True(retry.PossiblyDelivered);
        Assert.Contains("may have been delivered", retry.Reason);
    }

    [Fact]
    public void Should_leave_unknown_errors_unclassified_so_the_sender_crashes()
    {
        var decision = SmtpFailureClassifier.Classify(Failed(new InvalidOperationException("bug"), dataSent: false));

        Assert.IsType<DeliveryDecision.Unclassified>(decision);
    }

    private static SendReport Failed(Exception error, bool dataSent) => new(Recipients, [], dataSent, error);
}
