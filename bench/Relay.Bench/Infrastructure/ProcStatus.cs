using System.Globalization;

namespace Relay.Bench.Infrastructure;

/// <summary>Reads memory figures of a process from /proc/&lt;pid&gt;/status.</summary>
internal static class ProcStatus
{
    /// <summary>The value of a "Vm…: N kB" line in bytes, or null when the process is gone.</summary>
    public static long? Read(int pid, string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith(field + ":", StringComparison.Ordinal))
                {
                    var value = line[(field.Length + 1)..].Trim().Split(' ')[0];
                    return long.Parse(value, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return null;
    }
}
