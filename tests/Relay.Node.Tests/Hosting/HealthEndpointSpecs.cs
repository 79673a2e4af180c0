using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Npgsql;
using Relay.DevSmtp;
using Relay.Node.Hosting;
using Relay.Shared.Queue;
using Relay.TestKit;
using Xunit.Abstractions;

namespace Relay.Node.Tests.Hosting;

/// <summary>
/// The node as `run` starts it (web host, health endpoints, actors) against a real database and
/// SMTP server, and the `health` command that container health checks run.
/// </summary>
public sealed class HealthEndpointSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public HealthEndpointSpecs(ITestOutputHelper output)
        : base(output: output)
    {
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_answer_live_and_ready_when_the_database_and_smtp_server_are_up(
        RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        await using var smtp = await StartSmtpAsync();

        await using var node = await RunningNode.StartAsync(database, smtp);

        await AwaitStatusAsync(node, RelayNodeApplication.LivePath, HttpStatusCode.OK);
        await AwaitStatusAsync(node, RelayNodeApplication.ReadyPath, HttpStatusCode.OK);
    }

    [Fact]
    public async Task Should_answer_503_on_ready_while_the_smtp_server_refuses_connections()
    {
        var database = await TestDatabases.CreateAsync(RelayDatabaseProvider.Sqlite);
        await using var smtp = await StartSmtpAsync();
        await using var node = await RunningNode.StartAsync(database, smtp);
        await AwaitStatusAsync(node, RelayNodeApplication.ReadyPath, HttpStatusCode.OK);

        // An idle connection's loss shows at its next use: an email makes the sender find out.
        smtp.Script.RefuseConnections(true);
        await TestEmails.InsertAsync(database, [TestEmails.Build()]);

        await AwaitStatusAsync(node, RelayNodeApplication.ReadyPath, HttpStatusCode.ServiceUnavailable);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(node, RelayNodeApplication.LivePath));

        smtp.Script.RefuseConnections(false);
        await AwaitStatusAsync(node, RelayNodeApplication.ReadyPath, HttpStatusCode.OK);
        await AwaitAssertAsync(() => Assert.Equal(1, smtp.MessageCount), Patience);
    }

    [Fact]
    public async Task Should_answer_503_on_ready_when_the_database_is_gone()
    {
        var database = await TestDatabases.CreateAsync(RelayDatabaseProvider.PostgreSql);
        await using var smtp = await StartSmtpAsync();

        // With its database gone the node cannot hand claims back, so its stop waits out this timeout.
        await using var node = await RunningNode.StartAsync(
            database, smtp, s => s["Relay:ShutdownTimeout"] = "00:00:01");
        await AwaitStatusAsync(node, RelayNodeApplication.ReadyPath, HttpStatusCode.OK);

        await DropDatabaseAsync(database);

        await AwaitStatusAsync(node, RelayNodeApplication.ReadyPath, HttpStatusCode.ServiceUnavailable);
    }

    [Fact]
    public async Task Should_exit_0_from_the_health_command_against_a_healthy_node_and_1_against_a_dead_url()
    {
        var database = await TestDatabases.CreateAsync(RelayDatabaseProvider.Sqlite);
        await using var smtp = await StartSmtpAsync();
        await using var node = await RunningNode.StartAsync(database, smtp);
        var ready = new Uri(node.BaseAddress, RelayNodeApplication.ReadyPath).ToString();
        await AwaitStatusAsync(node, RelayNodeApplication.ReadyPath, HttpStatusCode.OK);

        var healthy = await RelayNodeCommands.CreateRoot().Parse(["health", "--url", ready]).InvokeAsync();
        var dead = await RelayNodeCommands.CreateRoot()
            .Parse(["health", "--url", "http://127.0.0.1:1/health/ready"])
            .InvokeAsync();

        Assert.Equal((0, 1), (healthy, dead));
    }

    [Fact]
    public async Task Should_refuse_to_start_naming_Relay_Smtp_Host_when_it_is_missing()
    {
        var database = await TestDatabases.CreateAsync(RelayDatabaseProvider.Sqlite);
        var error = new StringWriter();

        var app = await RelayNodeApplication.StartAsync(
            [], error, Configure(database, s => s.Remove("Relay:Smtp:Host")));

        Assert.Null(app);
        Assert.Contains("Relay:Smtp:Host", FirstLine(error));
    }

    [Fact]
    public async Task Should_refuse_to_start_naming_the_key_when_a_value_cannot_be_converted()
    {
        var database = await TestDatabases.CreateAsync(RelayDatabaseProvider.Sqlite);
        var error = new StringWriter();

        var app = await RelayNodeApplication.StartAsync(
            [], error, Configure(database, s => s["Relay:Smtp:Port"] = "abc"));

        Assert.Null(app);
        Assert.Contains("Relay:Smtp:Port", FirstLine(error));
    }

    private static Action<WebApplicationBuilder> Configure(
        RelayDatabase database,
        Action<Dictionary<string, string?>> change)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:Relay"] = database.ConnectionString,
            ["Relay:DatabaseProvider"] = database.Provider.ToString(),
            ["Relay:Smtp:Host"] = "127.0.0.1",
            ["Relay:HealthUrls"] = "http://127.0.0.1:0",
        };
        change(settings);
        return builder =>
        {
            builder.Configuration.AddInMemoryCollection(settings);
            builder.Logging.ClearProviders();
        };
    }

    private static string FirstLine(StringWriter writer) => writer.ToString().Split('\n')[0];

    private static async Task<DevSmtpServer> StartSmtpAsync()
    {
        var smtp = new DevSmtpServer();
        await smtp.StartAsync();
        return smtp;
    }

    private static async Task DropDatabaseAsync(RelayDatabase database)
    {
        var name = new NpgsqlConnectionStringBuilder(database.ConnectionString).Database;
        await using var connection = new NpgsqlConnection(ThrowawayPostgres.Instance.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<HttpStatusCode> StatusAsync(RunningNode node, string path)
    {
        using var response = await Http.GetAsync(new Uri(node.BaseAddress, path));
        return response.StatusCode;
    }

    private Task AwaitStatusAsync(RunningNode node, string path, HttpStatusCode expected) =>
        AwaitAssertAsync(async () => Assert.Equal(expected, await StatusAsync(node, path)), Patience);

    /// <summary>The node as `run` starts it, on an ephemeral port; stopped gracefully on dispose.</summary>
    private sealed class RunningNode : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly string _hoconFile;

        private RunningNode(WebApplication app, string hoconFile)
        {
            _app = app;
            _hoconFile = hoconFile;
            BaseAddress = new Uri(app.Urls.Single());
        }

        public Uri BaseAddress { get; }

        public static async Task<RunningNode> StartAsync(
            RelayDatabase database,
            DevSmtpServer smtp,
            Action<Dictionary<string, string?>>? configure = null,
            int senders = 1)
        {
            // The pool size reaches the node the way an operator sets it: a mounted HOCON file.
            var hoconFile = Path.Combine(Path.GetTempPath(), $"relay-health-{Guid.NewGuid():N}.hocon");
            await File.WriteAllTextAsync(hoconFile, $$"""
                akka.actor.deployment."/relay-supervisor/smtp-senders".nr-of-instances = {{senders}}
                akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
                """);
            var settings = RelayNodeHost.DefaultSettings(database, smtp, $"node-{Guid.NewGuid().ToString("N")[..8]}");
            settings["Relay:HealthUrls"] = "http://127.0.0.1:0";
            settings["Relay:HoconFile"] = hoconFile;
            configure?.Invoke(settings);

            var error = new StringWriter();
            var app = await RelayNodeApplication.StartAsync([], error, builder =>
            {
                builder.Configuration.AddInMemoryCollection(settings);
                builder.Logging.ClearProviders();
            });

            return app is null
                ? throw new InvalidOperationException($"The node did not start: {error}")
                : new RunningNode(app, hoconFile);
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            File.Delete(_hoconFile);
        }
    }
}
