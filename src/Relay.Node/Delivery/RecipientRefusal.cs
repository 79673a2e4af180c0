namespace Relay.Node.Delivery;

/// <summary>A recipient the server refused at RCPT TO, with its reply.</summary>
internal sealed record RecipientRefusal(string Address, int SmtpCode, string Reply)
{
    public bool IsPermanent => SmtpCode >= 500;
}
