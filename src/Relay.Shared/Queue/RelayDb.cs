using LinqToDB;
using LinqToDB.Data;

namespace Relay.Shared.Queue;

/// <summary>A linq2db connection to the queue database.</summary>
public sealed class RelayDb : DataConnection
{
    /// <summary>Opens a connection with the given options.</summary>
    public RelayDb(DataOptions options)
        : base(options)
    {
    }

    /// <summary>The queue table.</summary>
    public ITable<EmailRow> Emails => this.GetTable<EmailRow>();

    /// <summary>The attempt history table.</summary>
    public ITable<AttemptRow> Attempts => this.GetTable<AttemptRow>();
}
