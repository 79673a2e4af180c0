using Microsoft.Extensions.Logging;

namespace Relay.Client.Internal;

/// <summary>The client's log lines (event ids 1xxx). Never connection strings, bodies or addresses.</summary>
internal static partial class ClientLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "Queued {EmailId}")]
    public static partial void Queued(ILogger logger, Guid emailId);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Debug,
        Message = "Idempotency key already queued as {EmailId}; stored nothing new")]
    public static partial void AlreadyQueued(ILogger logger, Guid emailId);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Debug, Message = "Queued a batch of {EmailCount} emails")]
    public static partial void QueuedBatch(ILogger logger, int emailCount);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Debug, Message = "Cancel of {EmailId}: {CancelResult}")]
    public static partial void CancelRequested(ILogger logger, Guid emailId, CancelResult cancelResult);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Debug,
        Message = "Queue schema version {SchemaVersion} confirmed on {Database}")]
    public static partial void SchemaConfirmed(ILogger logger, int schemaVersion, string database);
}
