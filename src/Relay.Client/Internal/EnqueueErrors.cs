namespace Relay.Client.Internal;

/// <summary>The wording of every enqueue error, in one place so that messages stay consistent.</summary>
internal static class EnqueueErrors
{
    public static RelayEnqueueException LineBreak(string field, string what) =>
        new(field, $"{field}: {what} contains a line break (CR or LF). Header values must be a single line: "
            + "remove the line break.");

    public static RelayEnqueueException BadAddress(string field, string address) =>
        new(field, $"{field}: \"{address}\" is not a valid email address. Use one address per entry, "
            + "written as name@example.com or Name <name@example.com>.");

    public static RelayEnqueueException EmptyAddress(string field) =>
        new(field, $"{field}: an address is empty. Remove the entry or give an address such as name@example.com.");

    public static RelayEnqueueException NoRecipients() =>
        new("To", "To: the message has no recipients. Add at least one To, Cc or Bcc address.");

    public static RelayEnqueueException NoFrom() =>
        new("From", "From: the message has no From address and no default is configured. Set From on the "
            + $"message, or configure {RelayQueueOptions.SectionName}:DefaultFrom.");

    public static RelayEnqueueException TooLarge(long size, long maximum) =>
        new("Size", $"Size: the message is {size:N0} bytes, larger than the maximum of {maximum:N0} bytes "
            + $"({RelayQueueOptions.SectionName}:MaxMessageSize). Send smaller attachments, or links instead.");

    public static RelayEnqueueException InBatch(int index, RelayEnqueueException error) =>
        new($"[{index}].{error.Field}", $"Message {index} of the batch (nothing of the batch was stored): "
            + error.Message);
}
