namespace Relay.Node.Options;

/// <summary>How the node secures its SMTP connections.</summary>
public enum SmtpSecurity
{
    /// <summary>Plain text, never TLS.</summary>
    None,

    /// <summary>STARTTLS when the server offers it, plain text otherwise.</summary>
    StartTlsWhenAvailable,

    /// <summary>STARTTLS, and fail the connection when the server does not offer it.</summary>
    StartTls,

    /// <summary>TLS from the first byte (usually port 465).</summary>
    TlsOnConnect,
}
