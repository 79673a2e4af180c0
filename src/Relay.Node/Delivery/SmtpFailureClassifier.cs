using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using Relay.Shared.Queue;

namespace Relay.Node.Delivery;

/// <summary>
/// The one place that decides what an SMTP attempt means for an email. Pure: it sees only the
/// facts of the attempt, so every rule here is unit-tested without a server.
/// </summary>
internal static class SmtpFailureClassifier
{
    private const int ServiceNotAvailable = 421;

    public static DeliveryDecision Classify(SendReport report)
    {
        if (report.Error is SmtpCommandException { ErrorCode: SmtpErrorCode.SenderNotAccepted })
        {
            // With pipelining the server also answers every RCPT (503, bad sequence) after refusing
            // MAIL FROM; those replies say nothing about the recipients.
            report = report with { Refusals = [] };
        }

        var permanent = report.Refusals.Where(r => r.IsPermanent).Select(ToRejected).ToList();
        var refusedForGood = new HashSet<string>(permanent.Select(r => r.Address), StringComparer.OrdinalIgnoreCase);
        var temporary = report.Refusals.Where(r => !r.IsPermanent).ToList();

        if (report.Error is null)
        {
            if (temporary.Count == 0)
            {
                return new DeliveryDecision.Delivered(permanent);
            }

            var first = temporary[0];
            return new DeliveryDecision.RetryLater(
                first.SmtpCode,
                $"{temporary.Count} recipient(s) refused temporarily: {first.SmtpCode} {first.Reply}",
                temporary.Select(r => r.Address).ToList(),
                permanent,
                PartiallyDelivered: true,
                PossiblyDelivered: false);
        }

        var notRefusedForGood = report.Recipients.Where(r => !refusedForGood.Contains(r)).ToList();
        if (report.Refusals.Count > 0 && report.Refusals.Count >= report.Recipients.Count)
        {
            // Every recipient was refused at RCPT TO, so no DATA was sent.
            return temporary.Count == 0
                ? new DeliveryDecision.Fail(
                    permanent[0].SmtpCode,
                    $"every recipient was refused: {permanent[0].SmtpCode} {permanent[0].Reply}",
                    permanent)
                : new DeliveryDecision.RetryLater(
                    temporary[0].SmtpCode,
                    $"recipients refused temporarily: {temporary[0].SmtpCode} {temporary[0].Reply}",
                    temporary.Select(r => r.Address).ToList(),
                    permanent,
                    PartiallyDelivered: false,
                    PossiblyDelivered: false);
        }

        switch (report.Error)
        {
            case SmtpCommandException command when (int)command.StatusCode == ServiceNotAvailable:
                return report.DataTransmitted
                    ? PossiblyDelivered(report, notRefusedForGood, permanent)
                    : new DeliveryDecision.ConnectionFailed($"server closing: {Reply(command)}");
            case SmtpCommandException command when (int)command.StatusCode is >= 400 and < 500:
                return new DeliveryDecision.RetryLater(
                    (int)command.StatusCode,
                    $"{Stage(command)} refused temporarily: {Reply(command)}",
                    notRefusedForGood,
                    permanent,
                    PartiallyDelivered: false,
                    PossiblyDelivered: false);
            case SmtpCommandException command when (int)command.StatusCode >= 500:
                return new DeliveryDecision.Fail(
                    (int)command.StatusCode,
                    $"{Stage(command)} refused: {Reply(command)}",
                    permanent);
            case var error when IsConnectionLevel(error):
                return report.DataTransmitted
                    ? PossiblyDelivered(report, notRefusedForGood, permanent)
                    : new DeliveryDecision.ConnectionFailed(Describe(error));
            default:
                return DeliveryDecision.Unclassified.Instance;
        }
    }

    /// <summary>True for failures of the connection itself: connect, TLS, AUTH, timeouts, drops.</summary>
    public static bool IsConnectionLevel(Exception error) => error switch
    {
        SmtpCommandException command => (int)command.StatusCode == ServiceNotAvailable,
        SmtpProtocolException or ServiceNotConnectedException or ServiceNotAuthenticatedException => true,
        AuthenticationException or SslHandshakeException => true,
        IOException or SocketException or TimeoutException or OperationCanceledException => true,
        // MailKit's word for "the server lacks an extension the settings require" (STARTTLS, AUTH).
        NotSupportedException => true,
        _ => false,
    };

    /// <summary>A short, loggable description of a connection-level failure (never a secret).</summary>
    public static string Describe(Exception error) => error switch
    {
        SmtpCommandException command => Reply(command),
        SocketException socket => $"socket error {socket.SocketErrorCode}",
        _ => $"{error.GetType().Name}: {error.Message}",
    };

    private static DeliveryDecision PossiblyDelivered(
        SendReport report,
        IReadOnlyList<string> remaining,
        IReadOnlyList<RejectedRecipient> permanent) =>
        new DeliveryDecision.RetryLater(
            SmtpCode: null,
            $"connection lost after the message was sent, before the server replied; it may have been "
            + $"delivered ({Describe(report.Error!)})",
            remaining,
            permanent,
            PartiallyDelivered: false,
            PossiblyDelivered: true);

    private static string Stage(SmtpCommandException command) => command.ErrorCode switch
    {
        SmtpErrorCode.SenderNotAccepted => "MAIL FROM",
        SmtpErrorCode.RecipientNotAccepted => "RCPT TO",
        SmtpErrorCode.MessageNotAccepted => "DATA",
        _ => "the server",
    };

    private static string Reply(SmtpCommandException command) => $"{(int)command.StatusCode} {command.Message}".Trim();

    private static RejectedRecipient ToRejected(RecipientRefusal refusal) =>
        new(refusal.Address, refusal.SmtpCode, refusal.Reply);
}
