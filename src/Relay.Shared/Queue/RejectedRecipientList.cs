using System.Text.Json;

namespace Relay.Shared.Queue;

/// <summary>Encodes the permanently refused recipients of an email as a JSON array.</summary>
public static class RejectedRecipientList
{
    /// <summary>Reads the stored form; an empty list when nothing was refused.</summary>
    public static IReadOnlyList<RejectedRecipient> Parse(string? json) =>
        string.IsNullOrEmpty(json)
            ? []
            : JsonSerializer.Deserialize<List<RejectedRecipient>>(json) ?? [];

    /// <summary>Adds refusals to the stored form and returns the new form (null when empty).</summary>
    public static string? Append(string? json, IReadOnlyCollection<RejectedRecipient> added)
    {
        if (added.Count == 0)
        {
            return json;
        }

        var all = Parse(json).Concat(added).ToList();
        return JsonSerializer.Serialize(all);
    }
}
