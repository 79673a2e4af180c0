namespace Relay.Node.Actors.Sending;

/// <summary>A failure no delivery rule covers: the sender crashes on it and is restarted.</summary>
internal sealed class UnexpectedSendFailureException : Exception
{
    public UnexpectedSendFailureException(Guid emailId, Exception inner)
        : base($"Sending email {emailId} failed in an unexpected way; it stays leased and is retried "
            + "when the lease lapses.", inner)
    {
        EmailId = emailId;
    }

    public Guid EmailId { get; }
}
