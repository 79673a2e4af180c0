using System.Net;
using System.Net.Sockets;
using SmtpServer;
using SmtpServer.IO;
using SmtpServer.Net;

namespace Relay.DevSmtp.Internal;

/// <summary>
/// Accepts connections with Nagle's algorithm off, tracks them so they can be reset, and can close and
/// reopen its port to simulate a server that refuses connections.
/// </summary>
internal sealed class DevSmtpListener : IEndpointListener
{
    private readonly object _gate = new();
    private readonly HashSet<DevSmtpConnection> _connections = new();
    private TcpListener? _tcpListener;
    private TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _disposed;

    public DevSmtpListener(IPEndPoint endpoint)
    {
        _tcpListener = StartTcpListener(endpoint);
        Address = ((IPEndPoint)_tcpListener.LocalEndpoint).Address;
        Port = ((IPEndPoint)_tcpListener.LocalEndpoint).Port;
        _listening.SetResult();
    }

    public IPAddress Address { get; }

    public int Port { get; }

    public async Task<ISecurableDuplexPipe> GetPipeAsync(ISessionContext context, CancellationToken cancellationToken)
    {
        while (true)
        {
            var tcpListener = await WaitUntilListeningAsync(cancellationToken).ConfigureAwait(false);
            Socket socket;
            try
            {
                socket = await tcpListener.AcceptSocketAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException
                && !cancellationToken.IsCancellationRequested)
            {
                // The port was closed by RefuseConnections (or the listener is being disposed).
                continue;
            }

            // Without this every pipelined reply waits for the client's delayed ACK (about 40 ms a message).
            socket.NoDelay = true;
            var connection = new DevSmtpConnection(socket, Forget);
            lock (_gate)
            {
                if (!ReferenceEquals(tcpListener, _tcpListener))
                {
                    connection.Abort();
                    continue;
                }

                _connections.Add(connection);
            }

            connection.AttachTo(context);
            return connection;
        }
    }

    /// <summary>Closes the port and resets every open connection, or opens the port again.</summary>
    public void SetRefusing(bool refuse)
    {
        List<DevSmtpConnection> toReset;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            if (!refuse)
            {
                if (_tcpListener is null)
                {
                    _tcpListener = StartTcpListener(new IPEndPoint(Address, Port));
                    _listening.SetResult();
                }

                return;
            }

            if (_tcpListener is null)
            {
                return;
            }

            _tcpListener.Stop();
            _tcpListener = null;
            _listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            toReset = _connections.ToList();
        }

        toReset.ForEach(c => c.Abort());
    }

    public void AbortAll()
    {
        List<DevSmtpConnection> toReset;
        lock (_gate)
        {
            toReset = _connections.ToList();
        }

        toReset.ForEach(c => c.Abort());
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _tcpListener?.Stop();
            _tcpListener = null;
            _listening.TrySetCanceled();
        }
    }

    private static TcpListener StartTcpListener(IPEndPoint endpoint)
    {
        var tcpListener = new TcpListener(endpoint);

        // Reopening the same port after RefuseConnections must not fail on connections in TIME_WAIT.
        tcpListener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        try
        {
            tcpListener.Start();
        }
        catch (SocketException e) when (endpoint.Port != 0)
        {
            tcpListener.Stop();
            throw new InvalidOperationException(
                $"DevSmtp could not listen on {endpoint} again; another process took the port.", e);
        }

        return tcpListener;
    }

    private async Task<TcpListener> WaitUntilListeningAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task listening;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (_tcpListener is not null)
                {
                    return _tcpListener;
                }

                listening = _listening.Task;
            }

            await listening.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void Forget(DevSmtpConnection connection)
    {
        lock (_gate)
        {
            _connections.Remove(connection);
        }
    }
}
