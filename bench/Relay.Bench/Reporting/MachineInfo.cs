using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Relay.Bench.Reporting;

/// <summary>The machine and software a run was measured on.</summary>
internal sealed record MachineInfo(
    int Cores,
    string Cpu,
    string Memory,
    string Os,
    string Kernel,
    string Runtime,
    string Sdk,
    string LoadAverage)
{
    public static MachineInfo Read() => new(
        Environment.ProcessorCount,
        FirstLine("/proc/cpuinfo", "model name") ?? "unknown",
        MemTotal(),
        FirstLine("/etc/os-release", "PRETTY_NAME")?.Trim('"') ?? RuntimeInformation.OSDescription,
        TryRead("/proc/sys/kernel/osrelease")?.Trim() ?? "unknown",
        RuntimeInformation.FrameworkDescription,
        DotnetSdk(),
        LoadNow());

    /// <summary>1, 5 and 15 minute load averages: how busy the shared machine was.</summary>
    public static string LoadNow() =>
        string.Join(" ", (TryRead("/proc/loadavg") ?? "? ? ?").Split(' ').Take(3));

    private static string MemTotal()
    {
        var kb = FirstLine("/proc/meminfo", "MemTotal")?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        return kb is null ? "unknown" : $"{long.Parse(kb, CultureInfo.InvariantCulture) / 1024.0 / 1024.0:0.0} GiB";
    }

    private static string? FirstLine(string file, string key)
    {
        var line = (TryRead(file) ?? "").Split('\n').FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
        return line is null ? null : line[(line.IndexOfAny([':', '=']) + 1)..].Trim();
    }

    private static string? TryRead(string file)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string DotnetSdk()
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo("dotnet", "--version")
            {
                RedirectStandardOutput = true,
                UseShellExecute = false,
            });
            if (process is null)
            {
                return "unknown";
            }

            var version = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return version;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }
}
