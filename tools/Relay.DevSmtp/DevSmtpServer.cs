using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Relay.DevSmtp.Internal;
using SmtpServer;
using SmtpServer.Net;
using SmtpServerHost = SmtpServer.SmtpServer;
using SmtpServiceProvider = SmtpServer.ComponentModel.ServiceProvider;

namespace Relay.DevSmtp;

/// <summary>
/// A real SMTP server on 127.0.0.1 and an ephemeral port, for tests, the demo and benchmarks. It records what
/// it accepts and misbehaves on demand through <see cref="Script"/>.
/// </summary>
public sealed class DevSmtpServer : IAsyncDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly DevSmtpOptions _options;
    private readonly ReceivedMessageLog _log;
    private readonly TimeProvider _time = TimeProvider.System;
    private readonly CancellationTokenSource _stopping = new();
    private SmtpServerHost? _server;
    private DevSmtpListener? _listener;
    private Task? _running;
    private int _sessionCount;
    private int _disposed;

    /// <summary>Creates a stopped server; <see cref="StartAsync"/> starts it.</summary>
    public DevSmtpServer(DevSmtpOptions? options = null)
    {
        _options = options ?? new DevSmtpOptions();
        if ((_options.RequireAuthUser is null) != (_options.RequireAuthPassword is null))
        {
            throw new ArgumentException(
                "Set both RequireAuthUser and RequireAuthPassword, or neither.", nameof(options));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(_options.MaxMessageSize, nameof(options));
        if (_options.Port is < 0 or > IPEndPoint.MaxPort)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _options.Port, "Port must be 0 to 65535.");
        }
        _log = new ReceivedMessageLog(_options.KeepMessages, _options.SaveDirectory);
    }

    /// <summary>The address the server listens on: always "127.0.0.1".</summary>
    public string Host { get; } = IPAddress.Loopback.ToString();

    /// <summary>The bound port, known once <see cref="StartAsync"/> has completed.</summary>
    public int Port => _listener?.Port ?? throw new InvalidOperationException("Call StartAsync first.");

    /// <summary>The self-signed certificate generated at start when TLS is on; otherwise null.</summary>
    public X509Certificate2? Certificate { get; private set; }

    /// <summary>What the server does wrong, and when. Can be changed while the server runs.</summary>
    public DevSmtpScript Script { get; } = new();

    /// <summary>A snapshot of the accepted messages in order (empty when KeepMessages is false).</summary>
    public IReadOnlyList<ReceivedMessage> Messages => _log.Snapshot();

    /// <summary>How many messages were accepted, kept or not.</summary>
    public int MessageCount => _log.Count;

    /// <summary>
    /// Raised once per accepted message, after <see cref="MessageCount"/> includes it, on the thread of the
    /// session that received it (keep handlers short: the client waits for its 250 meanwhile). Raised whether
    /// messages are kept or not, so a count-only sink can still stamp each message.
    /// </summary>
    public event Action<ReceivedMessage>? MessageAccepted
    {
        add => _log.Accepted += value;
        remove => _log.Accepted -= value;
    }

    /// <summary>How many SMTP sessions (TCP connections that reached the greeting stage) were opened.</summary>
    public int SessionCount => Volatile.Read(ref _sessionCount);

    /// <summary>
    /// A listener factory for SmtpServer that turns Nagle's algorithm off on every accepted socket, for code
    /// that hosts SmtpServer itself.
    /// </summary>
    public static IEndpointListenerFactory CreateNoDelayListenerFactory() => new DevSmtpListenerFactory();

    /// <summary>
    /// Binds 127.0.0.1 on an ephemeral port (or <see cref="DevSmtpOptions.Port"/>) and returns once the server
    /// is listening.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_running is not null)
        {
            throw new InvalidOperationException("The server is already started.");
        }

        if (_options.SaveDirectory is not null)
        {
            Directory.CreateDirectory(_options.SaveDirectory);
        }

        if (_options.RequireStartTls || _options.TlsOnConnect)
        {
            Certificate = SelfSignedCertificate.Create(_time);
        }

        var listenerFactory = new DevSmtpListenerFactory();
        _server = new SmtpServerHost(BuildServerOptions(), BuildServices(listenerFactory));
        _server.SessionCreated += (_, _) => Interlocked.Increment(ref _sessionCount);
        _running = _server.StartAsync(_stopping.Token);

        var first = await Task.WhenAny(listenerFactory.Started, _running).WaitAsync(cancellationToken)
            .ConfigureAwait(false);
        if (first == _running)
        {
            await _running.ConfigureAwait(false);
            throw new InvalidOperationException("The SMTP server stopped before it started listening.");
        }

        _listener = await listenerFactory.Started.ConfigureAwait(false);
        Script.RefuseConnectionsChanged += _listener.SetRefusing;
        _listener.SetRefusing(Script.IsRefusingConnections);
    }

    /// <summary>How many accepted deliveries reached <paramref name="recipient"/> (to detect duplicates).</summary>
    public int CountFor(string recipient)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        return _log.CountFor(recipient);
    }

    /// <summary>
    /// Completes once <see cref="MessageCount"/> reaches <paramref name="count"/>; throws
    /// <see cref="TimeoutException"/> if it does not within <paramref name="timeout"/>.
    /// </summary>
    public Task WaitForMessagesAsync(int count, TimeSpan timeout, CancellationToken ct = default) =>
        _log.WaitForCountAsync(count, timeout, ct);

    /// <summary>Stops listening and closes every open session.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_listener is not null)
        {
            Script.RefuseConnectionsChanged -= _listener.SetRefusing;
        }

        _server?.Shutdown();
        await _stopping.CancelAsync().ConfigureAwait(false);
        _listener?.AbortAll();
        if (_running is not null)
        {
            try
            {
                await _running.WaitAsync(StopTimeout).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Shutting down cancels the accept loop; that is the expected way out.
            }
        }

        _stopping.Dispose();
        Certificate?.Dispose();
    }

    private ISmtpServerOptions BuildServerOptions()
    {
        var builder = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            // SmtpServer closes a session after this many failed commands in a row; scripted rejections
            // of many recipients must not end the session.
            .MaxRetryCount(1000)
            .Endpoint(endpoint =>
            {
                endpoint
                    .Endpoint(new IPEndPoint(IPAddress.Loopback, _options.Port))
                    .IsSecure(_options.TlsOnConnect)
                    .SupportedSslProtocols(SslProtocols.Tls12 | SslProtocols.Tls13);
                if (Certificate is not null)
                {
                    endpoint.Certificate(Certificate);
                }

                if (_options.RequireAuthUser is not null)
                {
                    endpoint.AuthenticationRequired().AllowUnsecureAuthentication(!_options.RequireStartTls);
                }
            });
        if (_options.MaxMessageSize > 0)
        {
            // Ignore: SmtpServer's strict mode stops reading mid-message without a reply, which hangs clients.
            builder.MaxMessageSize(_options.MaxMessageSize, MaxMessageSizeHandling.Ignore);
        }

        return builder.Build();
    }

    private SmtpServiceProvider BuildServices(DevSmtpListenerFactory listenerFactory)
    {
        var services = new SmtpServiceProvider();
        services.Add(listenerFactory);
        services.Add(new ScriptedMailboxFilter(Script, _options.RequireStartTls));
        services.Add(new RecordingMessageStore(Script, _log, _options.MaxMessageSize, _time));
        if (_options.RequireAuthUser is not null && _options.RequireAuthPassword is not null)
        {
            services.Add(new FixedUserAuthenticator(_options.RequireAuthUser, _options.RequireAuthPassword));
        }

        return services;
    }
}
