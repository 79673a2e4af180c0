using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Relay.Client;
using Relay.DevSmtp;
using Relay.Node.Hosting;
using Relay.Shared.Queue;

namespace Relay.Demo;

/// <summary>
/// One generic host with both sides of the relay: the client (<see cref="IRelayQueue"/>) the way an
/// application registers it, and the real node pointed at the local SMTP server.
/// </summary>
internal static class DemoHost
{
    // Four SMTP connections, as in the node's own default HOCON; stated here so the demo shows where it is set.
    private const string Hocon = """
        akka.actor.deployment."/relay-supervisor/smtp-senders".nr-of-instances = 4
        """;

    public static IHost Build(string[] args, RelayDatabase database, DevSmtpServer smtp)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(Settings(database, smtp));
        // Any setting can be overridden for an experiment, e.g. --Relay:Poller:PollInterval=00:00:01,
        // or --Demo:DrainTimeout=00:00:30 (how long to wait for an empty queue; default 3 minutes).
        builder.Configuration.AddCommandLine(args);

        // Warnings and errors only: the node logs one error per email the server refuses, which is
        // expected here (a handful); anything else that shows up is a real problem.
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);

        builder.Services.AddRelayQueue(o =>
        {
            o.Provider = RelayDatabaseProvider.Sqlite;
            o.ConnectionString = database.ConnectionString;
            o.Source = "demo";
            o.DefaultFrom = DemoEmails.DefaultFrom;
        });
        builder.Services.AddRelayNode(builder.Configuration, Hocon);
        return builder.Build();
    }

    private static Dictionary<string, string?> Settings(RelayDatabase database, DevSmtpServer smtp) => new()
    {
        ["ConnectionStrings:Relay"] = database.ConnectionString,
        ["Relay:DatabaseProvider"] = nameof(RelayDatabaseProvider.Sqlite),
        ["Relay:NodeName"] = "demo-node",
        ["Relay:ShutdownTimeout"] = "00:00:10",
        ["Relay:Smtp:Host"] = smtp.Host,
        ["Relay:Smtp:Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
        ["Relay:Smtp:Security"] = "None",
        ["Relay:Smtp:ConnectTimeout"] = "00:00:05",
        ["Relay:Smtp:CommandTimeout"] = "00:00:10",
        ["Relay:Poller:PollInterval"] = "00:00:00.200",
        ["Relay:Delivery:MaxAttempts"] = "3",
        ["Relay:Delivery:MinRetryDelay"] = "00:00:01",
        ["Relay:Delivery:MaxRetryDelay"] = "00:00:05",
    };
}
