using Microsoft.Extensions.Logging;

namespace Relay.Node.Logging;

/// <summary>Log lines of the node's non-actor code. Event ids: 2xxx poller, 5xxx hosting.</summary>
internal static partial class NodeLog
{
    [LoggerMessage(2001, LogLevel.Warning, "{What} failed; polling only, reconnecting in {Delay}")]
    public static partial void ListenerFailed(ILogger logger, Exception error, string what, TimeSpan delay);

    [LoggerMessage(2002, LogLevel.Information, "{What} again after {Failures} failures")]
    public static partial void ListenerRecovered(ILogger logger, string what, int failures);

    [LoggerMessage(5001, LogLevel.Information,
        "Relay node {NodeName} starting: queue {Database}, SMTP {SmtpHost}:{SmtpPort} ({Security})")]
    public static partial void Starting(
        ILogger logger, string nodeName, string database, string? smtpHost, int smtpPort, string security);

    [LoggerMessage(5002, LogLevel.Information, "Queue schema migrated to version {Version} on {Database}")]
    public static partial void Migrated(ILogger logger, int version, string database);

    [LoggerMessage(5003, LogLevel.Critical, "The relay node cannot start: {Reason}")]
    public static partial void CannotStart(ILogger logger, string reason);
}
