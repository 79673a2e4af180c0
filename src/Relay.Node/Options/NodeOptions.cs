using System.ComponentModel.DataAnnotations;
using Relay.Shared.Queue;

namespace Relay.Node.Options;

/// <summary>The node itself: its name and its queue database.</summary>
public sealed class NodeOptions
{
    public const string SectionName = "Relay";

    /// <summary>
    /// Name used as lease owner and in attempt history; machine name plus a random suffix when empty.
    /// </summary>
    public string? NodeName { get; set; }

    /// <summary>The queue database provider. Default: Sqlite.</summary>
    public RelayDatabaseProvider DatabaseProvider { get; set; } = RelayDatabaseProvider.Sqlite;

    /// <summary>Apply schema migrations at start instead of refusing an older schema. Default: false.</summary>
    public bool MigrateOnStart { get; set; }

    /// <summary>How long a graceful stop waits for in-flight sends. Default: 20 seconds.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// A HOCON file whose settings override the embedded relay.hocon (the SMTP sender pool size, for
    /// example). Default: none.
    /// </summary>
    public string? HoconFile { get; set; }

    /// <summary>Validated at start from ConnectionStrings:Relay; never logged.</summary>
    [Required(ErrorMessage = "ConnectionStrings:Relay (ConnectionStrings__Relay) is required: the queue database.")]
    public string? ConnectionString { get; set; }
}
