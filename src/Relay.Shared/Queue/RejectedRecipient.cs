namespace Relay.Shared.Queue;

/// <summary>A recipient the SMTP server refused permanently, with the server's reply.</summary>
/// <param name="Address">The refused address.</param>
/// <param name="SmtpCode">The SMTP reply code, such as 550.</param>
/// <param name="Reply">The server's reply text.</param>
public sealed record RejectedRecipient(string Address, int SmtpCode, string Reply);
