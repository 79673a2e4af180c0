namespace Relay.Client;

/// <summary>A file attached to an <see cref="OutgoingEmail"/>.</summary>
/// <param name="FileName">The file name the recipient sees; non-ASCII names are allowed.</param>
/// <param name="Content">The file's bytes.</param>
/// <param name="ContentType">
/// A MIME type such as <c>application/pdf</c>; null to guess it from the file name's extension.
/// </param>
public sealed record EmailAttachment(string FileName, byte[] Content, string? ContentType = null)
{
    /// <summary>
    /// When set, the file is an inline resource of the HTML body, which refers to it as
    /// <c>cid:</c> followed by this id (for example <c>&lt;img src="cid:logo"&gt;</c>).
    /// Requires <see cref="OutgoingEmail.HtmlBody"/>. Default: null (a regular attachment).
    /// </summary>
    public string? ContentId { get; init; }
}
