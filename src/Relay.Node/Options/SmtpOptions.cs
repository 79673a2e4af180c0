using System.ComponentModel.DataAnnotations;

namespace Relay.Node.Options;

/// <summary>The internal SMTP server the node delivers to, and how each connection behaves.</summary>
public sealed class SmtpOptions
{
    public const string SectionName = "Relay:Smtp";

    /// <summary>Host name or address of the SMTP server. Required: there is no default server.</summary>
    [Required(ErrorMessage = "Relay:Smtp:Host (Relay__Smtp__Host) is required: the SMTP server to deliver to.")]
    public string? Host { get; set; }

    /// <summary>TCP port. Default: 25.</summary>
    [Range(1, 65535,
        ErrorMessage = "Relay:Smtp:Port (Relay__Smtp__Port) must be between {1} and {2}.")]
    public int Port { get; set; } = 25;

    /// <summary>TLS mode. Default: StartTlsWhenAvailable.</summary>
    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTlsWhenAvailable;

    /// <summary>Accept any server certificate. Only for test servers. Default: false.</summary>
    public bool AcceptAnyCertificate { get; set; }

    /// <summary>User name for AUTH; no AUTH when empty. Default: none.</summary>
    public string? Username { get; set; }

    /// <summary>Password for AUTH. Never logged. Default: none.</summary>
    public string? Password { get; set; }

    /// <summary>Name announced in EHLO; the machine name when empty. Default: none.</summary>
    public string? HeloName { get; set; }

    /// <summary>How long connecting (including TLS and AUTH) may take. Default: 30 seconds.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one SMTP command may wait for its reply. Default: 60 seconds.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>First delay after a connection failure. Default: 1 second.</summary>
    public TimeSpan MinBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Longest delay between reconnection attempts. Default: 2 minutes.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Random spread added to each delay, 0 to 1. Default: 0.2.</summary>
    [Range(0.0, 1.0,
        ErrorMessage = "Relay:Smtp:RandomFactor (Relay__Smtp__RandomFactor) must be between {1} and {2}.")]
    public double RandomFactor { get; set; } = 0.2;

    /// <summary>
    /// Emails a sender holds at once (the one in flight plus those waiting); the poller claims for a
    /// sender once it is half empty. Default: 16.
    /// </summary>
    [Range(1, 1000,
        ErrorMessage = "Relay:Smtp:SenderCapacity (Relay__Smtp__SenderCapacity) must be between {1} and {2}.")]
    public int SenderCapacity { get; set; } = 16;
}
