using SmtpServer;
using SmtpServer.Net;

namespace Relay.DevSmtp.Internal;

/// <summary>Creates <see cref="DevSmtpListener"/>s; the first one created is the server's.</summary>
internal sealed class DevSmtpListenerFactory : IEndpointListenerFactory
{
    private readonly TaskCompletionSource<DevSmtpListener> _started =
        new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with the first listener once its port is bound.</summary>
    public Task<DevSmtpListener> Started => _started.Task;

    public IEndpointListener CreateListener(IEndpointDefinition endpointDefinition)
    {
        var listener = new DevSmtpListener(endpointDefinition.Endpoint);
        _started.TrySetResult(listener);
        return listener;
    }
}
