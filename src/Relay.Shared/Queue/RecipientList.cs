namespace Relay.Shared.Queue;

/// <summary>Encodes envelope recipients in one column: one address per line.</summary>
public static class RecipientList
{
    /// <summary>Joins addresses (which never hold line breaks) into the stored form.</summary>
    public static string Join(IEnumerable<string> addresses) => string.Join('\n', addresses);

    /// <summary>Splits the stored form back into addresses.</summary>
    public static string[] Split(string? stored) =>
        string.IsNullOrEmpty(stored) ? [] : stored.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
