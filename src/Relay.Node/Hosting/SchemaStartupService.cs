using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Relay.Node.Logging;
using Relay.Node.Options;
using Relay.Shared.Queue;
using Relay.Shared.Schema;

namespace Relay.Node.Hosting;

/// <summary>
/// Runs before the actor system: migrates the schema when told to, otherwise refuses to start on
/// a schema version this build does not know.
/// </summary>
internal sealed class SchemaStartupService(
    RelayDatabase database,
    IOptions<NodeOptions> options,
    ILogger<SchemaStartupService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.MigrateOnStart)
        {
            var version = await RelaySchema.MigrateAsync(database, cancellationToken);
            NodeLog.Migrated(logger, version, database.ToString());
            return;
        }

        await RelaySchema.EnsureCurrentAsync(database, cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
