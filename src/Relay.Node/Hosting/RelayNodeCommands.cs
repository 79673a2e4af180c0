using System.CommandLine;
using System.Data.Common;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Relay.Shared.Queue;
using Relay.Shared.Schema;

namespace Relay.Node.Hosting;

/// <summary>The node's command line: run (default), migrate, health.</summary>
public static class RelayNodeCommands
{
    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("EmailRelay node: delivers queued email to the internal SMTP server.");
        var run = new Command("run", "Run the node (the default command).");
        var migrate = new Command("migrate", "Create or upgrade the queue schema, then exit.");
        var health = new Command("health", "Probe a running node's health endpoint; exit 0 when healthy.");
        var url = new Option<string>("--url")
        {
            Description = "The endpoint to probe. Default: /health/ready on this machine, on the port run listens on.",
            DefaultValueFactory = _ => RelayNodeApplication.DefaultHealthUrl(ReadConfiguration()),
        };
        health.Options.Add(url);
        var status = new Command("status", "Show how many emails are in each status, and the latest failures.");
        var failures = new Option<int>("--failures")
        {
            Description = "How many of the latest failed emails to list.",
            DefaultValueFactory = _ => 20,
        };
        status.Options.Add(failures);
        var retry = new Command("retry", "Queue a failed or deferred email again, due now.");
        var id = new Argument<Guid>("id") { Description = "The email's id (as IRelayQueue returned it)." };
        retry.Arguments.Add(id);

        root.Subcommands.Add(run);
        root.Subcommands.Add(migrate);
        root.Subcommands.Add(health);
        root.Subcommands.Add(status);
        root.Subcommands.Add(retry);
        status.SetAction((result, ct) => WithDatabaseAsync(
            "status",
            db => QueueCommands.StatusAsync(db, result.GetValue(failures), Console.Out, ct)));
        retry.SetAction((result, ct) => WithDatabaseAsync(
            "retry",
            db => QueueCommands.RetryAsync(db, result.GetValue(id), Console.Out, ct)));
        root.SetAction((result, ct) => RunAsync(result.UnmatchedTokens.ToArray(), ct));
        run.SetAction((result, ct) => RunAsync(result.UnmatchedTokens.ToArray(), ct));
        migrate.SetAction((_, ct) => MigrateAsync(ct));
        health.SetAction((result, ct) => ProbeAsync(result.GetValue(url)!, ct));
        root.TreatUnmatchedTokensAsErrors = false;
        run.TreatUnmatchedTokensAsErrors = false;
        return root;
    }

    private static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var app = await RelayNodeApplication.StartAsync(args, Console.Error, cancellationToken: cancellationToken);
        if (app is null)
        {
            return 2;
        }

        await using (app)
        {
            await app.WaitForShutdownAsync(CancellationToken.None);
        }

        return 0;
    }

    private static async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        var configuration = ReadConfiguration();
        var connectionString = configuration.GetConnectionString("Relay");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            await Console.Error.WriteLineAsync(
                "relay-node migrate: ConnectionStrings:Relay (ConnectionStrings__Relay) is required.");
            return 2;
        }

        try
        {
            var provider = configuration.GetValue("Relay:DatabaseProvider", RelayDatabaseProvider.Sqlite);
            var database = new RelayDatabase(provider, connectionString);
            var version = await RelaySchema.MigrateAsync(database, cancellationToken);
            Console.WriteLine($"Queue schema is at version {version} on {database}.");
            return 0;
        }
        catch (Exception error) when (error is RelaySchemaException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"relay-node migrate: {error.Message}");
            return 2;
        }
        catch (DbException error)
        {
            await Console.Error.WriteLineAsync(
                $"relay-node migrate: the queue database (ConnectionStrings:Relay) is unreachable: {error.Message}");
            return 2;
        }
        catch (ArgumentException error)
        {
            await Console.Error.WriteLineAsync(
                $"relay-node migrate: ConnectionStrings:Relay (ConnectionStrings__Relay) is not a valid connection "
                + $"string for the configured Relay:DatabaseProvider: {error.Message}");
            return 2;
        }
    }

    private static async Task<int> WithDatabaseAsync(string command, Func<RelayDatabase, Task<int>> action)
    {
        var configuration = ReadConfiguration();
        var connectionString = configuration.GetConnectionString("Relay");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            await Console.Error.WriteLineAsync(
                $"relay-node {command}: ConnectionStrings:Relay (ConnectionStrings__Relay) is required.");
            return 2;
        }

        try
        {
            var provider = configuration.GetValue("Relay:DatabaseProvider", RelayDatabaseProvider.Sqlite);
            var database = new RelayDatabase(provider, connectionString);
            await RelaySchema.EnsureCurrentAsync(database);
            return await action(database);
        }
        catch (Exception error) when (error is RelaySchemaException or InvalidOperationException
            or DbException or ArgumentException)
        {
            await Console.Error.WriteLineAsync($"relay-node {command}: {error.Message}");
            return 2;
        }
    }

    private static async Task<int> ProbeAsync(string url, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(url, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            Console.WriteLine($"{(int)response.StatusCode} {body}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"relay-node health: {url} unreachable: {error.Message}");
            return 1;
        }
    }

    // The sources `run` reads, minus the command line: the .NET images set ASPNETCORE_HTTP_PORTS,
    // which the health probe needs to find the port.
    private static IConfiguration ReadConfiguration() => new ConfigurationBuilder()
        .SetBasePath(AppContext.BaseDirectory)
        .AddJsonFile("appsettings.json", optional: true)
        .AddEnvironmentVariables("ASPNETCORE_")
        .AddEnvironmentVariables()
        .Build();
}
