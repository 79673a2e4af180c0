using Microsoft.Extensions.Logging;
using Relay.Shared.Queue;
using Relay.Shared.Schema;

namespace Relay.Client.Internal;

/// <summary>Checks the queue database's schema version before first use, and remembers success.</summary>
internal sealed class SchemaGate
{
    private readonly RelayDatabase _database;
    private readonly ILogger _logger;
    private volatile bool _current;

    public SchemaGate(RelayDatabase database, ILogger logger)
    {
        _database = database;
        _logger = logger;
    }

    /// <exception cref="RelaySchemaException">No schema, or another version; checked again next time.</exception>
    public async ValueTask EnsureCurrentAsync(CancellationToken cancellationToken)
    {
        if (_current)
        {
            return;
        }

        await RelaySchema.EnsureCurrentAsync(_database, cancellationToken).ConfigureAwait(false);
        _current = true;
        ClientLog.SchemaConfirmed(_logger, QueueSchema.CurrentVersion, _database.ToString());
    }
}
