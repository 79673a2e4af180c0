namespace Relay.Client;

/// <summary>
/// An email described with plain values, for callers that do not want to build a MimeKit
/// message. Addresses are strings such as <c>ann@example.com</c> or <c>Ann &lt;ann@example.com&gt;</c>.
/// </summary>
public sealed class OutgoingEmail
{
    /// <summary>The sender; null to use the configured default From.</summary>
    public string? From { get; set; }

    /// <summary>Recipients shown in the To header.</summary>
    public IList<string> To { get; set; } = [];

    /// <summary>Recipients shown in the Cc header.</summary>
    public IList<string> Cc { get; set; } = [];

    /// <summary>Recipients that receive the email without being shown to anyone.</summary>
    public IList<string> Bcc { get; set; } = [];

    /// <summary>Where replies should go, when not to <see cref="From"/>.</summary>
    public IList<string> ReplyTo { get; set; } = [];

    /// <summary>The subject: one line, any characters. Default: empty.</summary>
    public string Subject { get; set; } = "";

    /// <summary>The plain-text body; null for none.</summary>
    public string? TextBody { get; set; }

    /// <summary>The HTML body; null for none.</summary>
    public string? HtmlBody { get; set; }

    /// <summary>Attached files and inline resources of the HTML body.</summary>
    public IList<EmailAttachment> Attachments { get; set; } = [];

    /// <summary>
    /// Extra headers by name (such as <c>X-Campaign</c>). Address, subject and content headers are
    /// set through the properties above, not here.
    /// </summary>
    public IDictionary<string, string> Headers { get; set; } = new Dictionary<string, string>();
}
