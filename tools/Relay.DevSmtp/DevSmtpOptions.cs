namespace Relay.DevSmtp;

/// <summary>How a <see cref="DevSmtpServer"/> listens and what it requires from clients.</summary>
public sealed class DevSmtpOptions
{
    /// <summary>
    /// The port to listen on. Tests leave it at 0: ports are shared with other processes on the build
    /// machines, and the bound port is in <see cref="DevSmtpServer.Port"/>. Default: 0 (ephemeral).
    /// </summary>
    public int Port { get; set; }

    /// <summary>
    /// When set, each accepted message is also written there as <c>&lt;timestamp&gt;-&lt;n&gt;.eml</c>.
    /// The directory is created at start. Default: null (nothing written).
    /// </summary>
    public string? SaveDirectory { get; set; }

    /// <summary>
    /// Whether accepted messages are kept in <see cref="DevSmtpServer.Messages"/>. False counts only, so a
    /// benchmark sink does not grow in memory. Default: true.
    /// </summary>
    public bool KeepMessages { get; set; } = true;

    /// <summary>
    /// Offer STARTTLS with a self-signed certificate generated at start and refuse MAIL FROM (530) until the
    /// client has upgraded. Default: false.
    /// </summary>
    public bool RequireStartTls { get; set; }

    /// <summary>Implicit TLS on the port with the same generated certificate. Default: false.</summary>
    public bool TlsOnConnect { get; set; }

    /// <summary>
    /// When set (with <see cref="RequireAuthPassword"/>), AUTH PLAIN/LOGIN is required before MAIL FROM.
    /// Default: null.
    /// </summary>
    public string? RequireAuthUser { get; set; }

    /// <summary>The password that goes with <see cref="RequireAuthUser"/>. Default: null.</summary>
    public string? RequireAuthPassword { get; set; }

    /// <summary>
    /// Largest accepted message in bytes, advertised as SIZE; larger messages get 552. Default: 0 (no limit).
    /// </summary>
    public int MaxMessageSize { get; set; }
}
