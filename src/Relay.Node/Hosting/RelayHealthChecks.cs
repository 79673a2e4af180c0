using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Relay.Node.Actors;
using Relay.Node.Actors.Polling;
using Relay.Node.Data;

namespace Relay.Node.Hosting;

/// <summary>Liveness: the actor system runs and the poller answers.</summary>
internal sealed class RelayLivenessCheck(ActorSystem system, IRequiredActor<RelaySupervisorActor> supervisor)
    : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(
        HealthCheckContext context,
        CancellationToken cancellationToken = default)
    {
        if (system.WhenTerminated.IsCompleted)
        {
            return HealthCheckResult.Unhealthy("the actor system has stopped");
        }

        try
        {
            var actors = await supervisor.ActorRef.Ask<NodeActors>(
                GetNodeActors.Instance,
                TimeSpan.FromSeconds(3),
                cancellationToken);
            var status = await actors.Poller.Ask<PollerStatus>(
                GetPollerStatus.Instance,
                TimeSpan.FromSeconds(3),
                cancellationToken);
            return status.Stopped
                ? HealthCheckResult.Unhealthy("the poller has stopped claiming (node stopping)")
                : HealthCheckResult.Healthy("poller alive");
        }
        catch (Exception error) when (error is AskTimeoutException or TaskCanceledException)
        {
            return HealthCheckResult.Unhealthy("the poller did not answer within 3 seconds");
        }
    }
}

/// <summary>Readiness: the queue database answers and at least one SMTP connection is usable.</summary>
internal sealed class RelayReadinessCheck(IQueueStore store, NodeHealthState state) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(
        HealthCheckContext context,
        CancellationToken cancellationToken = default)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(3));
            await store.PingAsync(timeout.Token);
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            return HealthCheckResult.Unhealthy($"queue database unreachable: {error.GetType().Name}");
        }

        var connected = state.ConnectedSenders;
        return connected > 0
            ? HealthCheckResult.Healthy($"{connected} SMTP connection(s) usable")
            : HealthCheckResult.Unhealthy("no SMTP connection is usable");
    }
}
