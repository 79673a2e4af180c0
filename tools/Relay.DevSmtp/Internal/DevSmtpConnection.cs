using System.IO.Pipelines;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using SmtpServer;
using SmtpServer.IO;

namespace Relay.DevSmtp.Internal;

/// <summary>
/// One accepted TCP connection as SmtpServer's securable pipe, keeping hold of the socket so the script can
/// reset it from inside a command handler.
/// </summary>
internal sealed class DevSmtpConnection : ISecurableDuplexPipe
{
    private const string PropertyKey = "Relay.DevSmtp:Connection";

    private readonly Socket _socket;
    private readonly Action<DevSmtpConnection> _closed;
    private Stream _stream;
    private int _isClosed;

    public DevSmtpConnection(Socket socket, Action<DevSmtpConnection> closed)
    {
        _socket = socket;
        _closed = closed;
        _stream = new NetworkStream(socket, ownsSocket: true);
        Input = PipeReader.Create(_stream);
        Output = PipeWriter.Create(_stream);
    }

    public PipeReader Input { get; private set; }

    public PipeWriter Output { get; private set; }

    public bool IsSecure => _stream is SslStream;

    public SslProtocols SslProtocol => (_stream as SslStream)?.SslProtocol ?? SslProtocols.None;

    public static DevSmtpConnection Of(ISessionContext context) =>
        context.Properties.TryGetValue(PropertyKey, out var value) && value is DevSmtpConnection connection
            ? connection
            : throw new InvalidOperationException("The session was not opened by the DevSmtp listener.");

    public void AttachTo(ISessionContext context) => context.Properties[PropertyKey] = this;

    public async Task UpgradeAsync(
        X509Certificate certificate,
        SslProtocols protocols,
        CancellationToken cancellationToken = default)
    {
        var ssl = new SslStream(_stream, leaveInnerStreamOpen: true);
        try
        {
            await ssl.AuthenticateAsServerAsync(
                new SslServerAuthenticationOptions
                {
                    ServerCertificate = certificate,
                    ClientCertificateRequired = false,
                    EnabledSslProtocols = protocols,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _stream = ssl;
        Input = PipeReader.Create(ssl);
        Output = PipeWriter.Create(ssl);
    }

    /// <summary>
    /// Closes with a TCP reset and no SMTP reply, like a crashed server or a broken link: the client's
    /// pending read fails at once instead of waiting for its timeout.
    /// </summary>
    public void Abort()
    {
        if (Interlocked.Exchange(ref _isClosed, 1) != 0)
        {
            return;
        }

        try
        {
            _socket.LingerState = new LingerOption(true, 0);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already closed by the peer; disposing below is all that is left to do.
        }

        _socket.Dispose();
        _closed(this);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _isClosed, 1) != 0)
        {
            return;
        }

        _stream.Dispose();
        _socket.Dispose();
        _closed(this);
    }
}
