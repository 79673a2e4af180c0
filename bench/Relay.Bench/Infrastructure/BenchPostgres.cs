using System.Diagnostics;
using Npgsql;
using Relay.TestKit;

namespace Relay.Bench.Infrastructure;

/// <summary>
/// The PostgreSQL server under test: the one named by <c>RELAY_BENCH_POSTGRES</c>, or a throwaway
/// cluster with the server's durable defaults (fsync and synchronous_commit on), stopped and
/// deleted on dispose. Each benchmark gets a database of its own.
/// </summary>
internal sealed class BenchPostgres : IAsyncDisposable
{
    public const string EnvironmentVariable = "RELAY_BENCH_POSTGRES";

    private readonly string? _bin;
    private readonly string? _dataDir;
    private readonly bool _asRoot;

    private BenchPostgres(string adminConnectionString, string? bin, string? dataDir, bool asRoot)
    {
        AdminConnectionString = adminConnectionString;
        _bin = bin;
        _dataDir = dataDir;
        _asRoot = asRoot;
    }

    public string AdminConnectionString { get; }

    /// <summary>The postmaster's process id, for CPU accounting; null for a server started elsewhere.</summary>
    public int? PostmasterPid
    {
        get
        {
            var file = _dataDir is null ? null : Path.Combine(_dataDir, "postmaster.pid");
            try
            {
                return file is null
                    ? null
                    : int.Parse(File.ReadLines(file).First(), System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException or FormatException)
            {
                return null;
            }
        }
    }

    /// <summary>How the server was provided, for the results: "throwaway cluster" or "RELAY_BENCH_POSTGRES".</summary>
    public string Origin => _dataDir is null ? EnvironmentVariable : "throwaway cluster (initdb defaults, fsync on)";

    public static BenchPostgres Start()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return new BenchPostgres(configured, null, null, false);
        }

        var bin = PostgresTools.FindServerBinaries() ?? throw new InvalidOperationException(
            "No PostgreSQL server binaries under /usr/lib/postgresql/*/bin: install postgresql-15 "
            + $"(apt-get install -y postgresql-15) or set {EnvironmentVariable} to a connection string of a "
            + "role allowed to CREATE DATABASE.");
        var asRoot = Environment.UserName == "root";
        var dataDir = Path.Combine(Path.GetTempPath(), $"relay-bench-pg-{Environment.ProcessId}");
        Directory.CreateDirectory(dataDir);
        if (asRoot)
        {
            PostgresTools.Run("chown", ["postgres:postgres", dataDir], asPostgres: false);
        }

        PostgresTools.Run("chmod", ["700", dataDir], asPostgres: asRoot);
        PostgresTools.Run(Path.Combine(bin, "initdb"), ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8"],
            asPostgres: asRoot);

        // Durability stays on: commit cost is part of what is measured. Only connections and the
        // listen address differ from initdb's defaults.
        var port = PostgresTools.FreePort();
        var options = $"-p {port} -k {dataDir} -c listen_addresses=127.0.0.1 -c max_connections=200";
        PostgresTools.Run(Path.Combine(bin, "pg_ctl"), ["-D", dataDir, "-w", "-l", Path.Combine(dataDir, "server.log"),
            "-o", options, "start"], asPostgres: asRoot);

        var server = new BenchPostgres(
            $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=50",
            bin,
            dataDir,
            asRoot);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Stop();
        return server;
    }

    /// <summary>Creates an empty database and returns a connection string for it.</summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using (var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection))
        {
            await drop.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    public async Task DropDatabaseAsync(string name, CancellationToken cancellationToken)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<string> QueryScalarAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return Convert.ToString(await command.ExecuteScalarAsync(cancellationToken),
            System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        return ValueTask.CompletedTask;
    }

    private void Stop()
    {
        if (_bin is null || _dataDir is null || !Directory.Exists(_dataDir))
        {
            return;
        }

        try
        {
            NpgsqlConnection.ClearAllPools();
            PostgresTools.Run(
                Path.Combine(_bin, "pg_ctl"),
                ["-D", _dataDir, "-m", "fast", "stop"],
                asPostgres: _asRoot);
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (Exception error) when (error is InvalidOperationException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine(
                $"bench: could not stop or delete the throwaway PostgreSQL in {_dataDir}: {error.Message}");
        }
    }
}
