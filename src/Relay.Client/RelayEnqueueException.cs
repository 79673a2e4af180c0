namespace Relay.Client;

/// <summary>
/// A message or its options cannot be queued. Nothing was stored. The message names the field,
/// the problem and what to do about it.
/// </summary>
public sealed class RelayEnqueueException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="field">The offending field, such as <c>To</c> or <c>Attachments[0].FileName</c>.</param>
    /// <param name="message">The field, the problem and what to do about it, in words.</param>
    public RelayEnqueueException(string field, string message)
        : base(message)
    {
        Field = field;
    }

    /// <summary>
    /// The offending field: <c>From</c>, <c>To</c>, <c>Cc</c>, <c>Bcc</c>, <c>ReplyTo</c>,
    /// <c>Subject</c>, <c>Headers[X-Name]</c>, <c>Attachments[0].FileName</c>, <c>ExpiresAt</c>,
    /// <c>Size</c> and so on. In a batch it is prefixed with the position, as in <c>[3].To</c>.
    /// </summary>
    public string Field { get; }
}
