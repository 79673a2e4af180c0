namespace Relay.Node.Delivery;

/// <summary>What one SMTP transaction for one email showed: the facts the classifier decides on.</summary>
/// <param name="Recipients">The recipients this attempt addressed.</param>
/// <param name="Refusals">Recipients refused at RCPT TO.</param>
/// <param name="DataTransmitted">The whole message and its final dot were handed to the connection.</param>
/// <param name="Error">The failure, or null when the server accepted the message data.</param>
internal sealed record SendReport(
    IReadOnlyList<string> Recipients,
    IReadOnlyList<RecipientRefusal> Refusals,
    bool DataTransmitted,
    Exception? Error)
{
    public static SendReport Accepted(IReadOnlyList<string> recipients, IReadOnlyList<RecipientRefusal> refusals) =>
        new(recipients, refusals, DataTransmitted: true, Error: null);
}
