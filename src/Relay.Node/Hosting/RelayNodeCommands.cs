using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Relay.Node.Options;
using Relay.Shared.Queue;
using Relay.Shared.Schema;

namespace Relay.Node.Hosting;

/// <summary>The node's command line: run (default), migrate, health.</summary>
public static class RelayNodeCommands
{
    public const string DefaultHealthUrl = "http://127.0.0.1:8080/health/ready";

    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("EmailRelay node: delivers queued email to the internal SMTP server.");
        var run = new Command("run", "Run the node (the default command).");
        var migrate = new Command("migrate", "Create or upgrade the queue schema, then exit.");
        var health = new Command("health", "Probe a running node's health endpoint; exit 0 when healthy.");
        var url = new Option<string>("--url")
        {
            Description = "The endpoint to probe.",
            DefaultValueFactory = _ => DefaultHealthUrl,
        };
        health.Options.Add(url);

        root.Subcommands.Add(run);
        root.Subcommands.Add(migrate);
        root.Subcommands.Add(health);
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
        var builder = WebApplication.CreateBuilder(args);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls(builder.Configuration["Relay:HealthUrls"] ?? "http://0.0.0.0:8080");
        }

        builder.Services.AddRelayNode(builder.Configuration);
        builder.Services.Configure<HostOptions>(o =>
            o.ShutdownTimeout = builder.Configuration.GetValue("Relay:ShutdownTimeout", TimeSpan.FromSeconds(20))
                + TimeSpan.FromSeconds(10));

        WebApplication app;
        try
        {
            app = builder.Build();
            app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = c => c.Tags.Contains("live") });
            app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
            await app.StartAsync(cancellationToken);
        }
        catch (Exception error) when (error is OptionsValidationException or InvalidOperationException
            or RelaySchemaException or FormatException)
        {
            await Console.Error.WriteLineAsync($"relay-node: cannot start: {StartupError(error)}");
            return 2;
        }

        await app.WaitForShutdownAsync(CancellationToken.None);
        return 0;
    }

    private static async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
        var connectionString = configuration.GetConnectionString("Relay");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            await Console.Error.WriteLineAsync(
                "relay-node migrate: ConnectionStrings:Relay (ConnectionStrings__Relay) is required.");
            return 2;
        }

        var provider = configuration.GetValue("Relay:DatabaseProvider", RelayDatabaseProvider.Sqlite);
        var database = new RelayDatabase(provider, connectionString);
        try
        {
            var version = await RelaySchema.MigrateAsync(database, cancellationToken);
            Console.WriteLine($"Queue schema is at version {version} on {database}.");
            return 0;
        }
        catch (RelaySchemaException error)
        {
            await Console.Error.WriteLineAsync($"relay-node migrate: {error.Message}");
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

    // Options validation reports every failed rule, each naming its key; other start errors
    // (a bad value the binder could not convert) already name the key in their message.
    private static string StartupError(Exception error) => error switch
    {
        OptionsValidationException validation => string.Join(" ", validation.Failures),
        _ => error.Message,
    };
}
