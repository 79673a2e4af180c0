using System.Diagnostics;

namespace Relay.TestKit;

/// <summary>
/// A PostgreSQL server for the tests: the one named by <c>RELAY_TEST_POSTGRES</c>, or else a
/// throwaway instance started from the machine's server binaries and stopped when the test
/// process exits.
/// </summary>
public sealed class ThrowawayPostgres
{
    public const string EnvironmentVariable = "RELAY_TEST_POSTGRES";

    private static readonly Lazy<ThrowawayPostgres> Shared = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    private ThrowawayPostgres(string adminConnectionString)
    {
        AdminConnectionString = adminConnectionString;
    }

    /// <summary>A connection string with the right to create databases.</summary>
    public string AdminConnectionString { get; }

    public static ThrowawayPostgres Instance => Shared.Value;

    private static ThrowawayPostgres Start()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new ThrowawayPostgres(configured);
        }

        try
        {
            return StartThrowaway();
        }
        catch (Exception error) when (error is InvalidOperationException or IOException
            or System.ComponentModel.Win32Exception or UnauthorizedAccessException)
        {
            throw Unavailable(error.Message);
        }
    }

    private static ThrowawayPostgres StartThrowaway()
    {
        var bin = PostgresTools.FindServerBinaries() ?? throw new InvalidOperationException(
            "no PostgreSQL server binaries were found under /usr/lib/postgresql/*/bin");
        var asRoot = Environment.UserName == "root";
        var dataDir = Path.Combine(Path.GetTempPath(), $"relay-pg-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dataDir);
        if (asRoot)
        {
            PostgresTools.Run("chown", ["postgres:postgres", dataDir], asPostgres: false);
        }

        PostgresTools.Run("chmod", ["700", dataDir], asPostgres: asRoot);
        PostgresTools.Run(
            Path.Combine(bin, "initdb"),
            ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"],
            asPostgres: asRoot);

        var port = PostgresTools.FreePort();
        var options = $"-p {port} -k {dataDir} -c listen_addresses=127.0.0.1 -c fsync=off "
            + "-c synchronous_commit=off -c full_page_writes=off -c max_connections=300";
        PostgresTools.Run(Path.Combine(bin, "pg_ctl"), ["-D", dataDir, "-w", "-l", Path.Combine(dataDir, "server.log"),
            "-o", options, "start"], asPostgres: asRoot);

        StopWhenThisProcessExits(bin, dataDir, asRoot);
        return new ThrowawayPostgres($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;"
            + "Pooling=true;Maximum Pool Size=50");
    }

    // The test host may be killed rather than exit, so ProcessExit handlers are not enough: a
    // detached watchdog stops the server and removes its files once this process is gone.
    private static void StopWhenThisProcessExits(string bin, string dataDir, bool asRoot)
    {
        var stop = $"{Path.Combine(bin, "pg_ctl")} -D {dataDir} -m immediate stop";
        var script = $"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done; "
            + $"{(asRoot ? $"runuser -u postgres -- {stop}" : stop)} >/dev/null 2>&1; rm -rf {dataDir}";
        var watchdog = new ProcessStartInfo("setsid")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "bash", "-c", script })
        {
            watchdog.ArgumentList.Add(argument);
        }

        Process.Start(watchdog)?.Dispose();
    }

    private static InvalidOperationException Unavailable(string why) =>
        new($"The PostgreSQL tests need a server and none could be started: {why}. Either set "
            + $"{EnvironmentVariable} to a connection string of a role allowed to CREATE DATABASE "
            + "(for example Host=127.0.0.1;Username=postgres;Password=...), or install the server "
            + "binaries (apt-get install -y postgresql-15) so the tests can start a throwaway one.");
}
