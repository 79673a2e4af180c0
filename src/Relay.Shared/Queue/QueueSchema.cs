namespace Relay.Shared.Queue;

/// <summary>Names and the version of the queue schema that client and node agree on.</summary>
public static class QueueSchema
{
    /// <summary>The schema version this build reads and writes.</summary>
    public const int CurrentVersion = 2;

    /// <summary>The queue table.</summary>
    public const string EmailTable = "relay_email";

    /// <summary>The attempt history table.</summary>
    public const string AttemptTable = "relay_email_attempt";

    /// <summary>The table recording applied schema versions.</summary>
    public const string VersionTable = "relay_schema_version";

    /// <summary>The PostgreSQL notification channel signalled when emails are queued.</summary>
    public const string NotifyChannel = "relay_email_queued";

    /// <summary>
    /// The advisory lock (class, id) a node holds while it waits for work: writers notify
    /// <see cref="NotifyChannel"/> only while some node holds or waits for it ("RELY", 1).
    /// </summary>
    public const int DoorbellLockClass = 0x52454C59;

    /// <inheritdoc cref="DoorbellLockClass"/>
    public const int DoorbellLockId = 1;

    /// <summary>The command an operator runs to create or upgrade the schema.</summary>
    public const string MigrateCommand =
        "relay-node migrate (dotnet Relay.Node.dll migrate, or dotnet run --project src/Relay.Node -- migrate; "
        + "or start the node with Relay__MigrateOnStart=true)";
}
