using MimeKit;

namespace Relay.Client;

/// <summary>One message of a batch, with its own options.</summary>
/// <param name="Message">The message to queue.</param>
/// <param name="Options">How to queue it; null for the defaults.</param>
public sealed record EmailToQueue(MimeMessage Message, EnqueueOptions? Options = null);
