using Microsoft.Extensions.Logging;
using Relay.Shared.Queue;

namespace Relay.Client.Internal;

/// <summary>What a queue and every queue bound from it share.</summary>
internal sealed class QueueContext
{
    public QueueContext(RelayQueueOptions options, TimeProvider timeProvider, ILogger logger)
    {
        RelayQueueOptionsValidator.ThrowIfInvalid(options);
        Database = new RelayDatabase(options.Provider, options.ConnectionString);
        Rows = new EmailRowBuilder(options);
        Time = timeProvider;
        Logger = logger;
        Schema = new SchemaGate(Database, logger);
    }

    public RelayDatabase Database { get; }

    public EmailRowBuilder Rows { get; }

    public TimeProvider Time { get; }

    public ILogger Logger { get; }

    public SchemaGate Schema { get; }
}
