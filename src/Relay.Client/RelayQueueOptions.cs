using Relay.Shared.Queue;

namespace Relay.Client;

/// <summary>Where the queue is and how this application uses it.</summary>
public sealed class RelayQueueOptions
{
    /// <summary>The configuration section these options are usually bound from.</summary>
    public const string SectionName = "Relay:Queue";

    /// <summary>The database that holds the queue. Default: <see cref="RelayDatabaseProvider.Sqlite"/>.</summary>
    public RelayDatabaseProvider Provider { get; set; } = RelayDatabaseProvider.Sqlite;

    /// <summary>
    /// ADO.NET connection string of the queue database. Required. It may hold a password: keep it in
    /// the environment or user secrets, never in a committed file.
    /// </summary>
    public string ConnectionString { get; set; } = "";

    /// <summary>This application's name, stored with every email it queues. Required.</summary>
    public string Source { get; set; } = "";

    /// <summary>
    /// The From address used for messages that have none, such as <c>Shop &lt;noreply@example.com&gt;</c>.
    /// Default: null (every message must have its own From).
    /// </summary>
    public string? DefaultFrom { get; set; }

    /// <summary>The largest message accepted, in bytes of written MIME. Default: 25 MB (26,214,400).</summary>
    public long MaxMessageSize { get; set; } = 25 * 1024 * 1024;
}
