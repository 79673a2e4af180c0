using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Relay.DevSmtp;
using Relay.Node.Actors;
using Relay.Node.Hosting;
using Relay.Shared.Queue;

namespace Relay.Node.Tests;

/// <summary>A real relay node (host, options, actors) against a test database and SMTP server.</summary>
internal sealed class RelayNodeHost : IAsyncDisposable
{
    private readonly IHost _host;
    private bool _stopped;

    private RelayNodeHost(IHost host, string nodeName)
    {
        _host = host;
        NodeName = nodeName;
    }

    public string NodeName { get; }

    public ActorSystem System => _host.Services.GetRequiredService<ActorSystem>();

    public IActorRef Supervisor => _host.Services.GetRequiredService<ActorRegistry>().Get<RelaySupervisorActor>();

    public IServiceProvider Services => _host.Services;

    public static Dictionary<string, string?> DefaultSettings(
        RelayDatabase database,
        DevSmtpServer smtp,
        string nodeName) => new()
        {
            ["ConnectionStrings:Relay"] = database.ConnectionString,
            ["Relay:DatabaseProvider"] = database.Provider.ToString(),
            ["Relay:NodeName"] = nodeName,
            ["Relay:ShutdownTimeout"] = "00:00:10",
            ["Relay:Smtp:Host"] = smtp.Host,
            ["Relay:Smtp:Port"] = smtp.Port.ToString(global::System.Globalization.CultureInfo.InvariantCulture),
            ["Relay:Smtp:Security"] = "None",
            ["Relay:Smtp:CommandTimeout"] = "00:00:10",
            ["Relay:Smtp:ConnectTimeout"] = "00:00:10",
            ["Relay:Smtp:MinBackoff"] = "00:00:00.050",
            ["Relay:Smtp:MaxBackoff"] = "00:00:00.500",
            ["Relay:Poller:PollInterval"] = "00:00:00.100",
            ["Relay:Poller:LeaseCheckInterval"] = "00:00:00.200",
            ["Relay:Outcomes:FlushInterval"] = "00:00:00.010",
            ["Relay:Delivery:MinRetryDelay"] = "00:00:00.100",
            ["Relay:Delivery:MaxRetryDelay"] = "00:00:00.500",
        };

    public static async Task<RelayNodeHost> StartAsync(
        RelayDatabase database,
        DevSmtpServer smtp,
        Action<Dictionary<string, string?>>? configure = null,
        int senders = 2,
        string? nodeName = null,
        ILoggerProvider? logs = null)
    {
        nodeName ??= $"node-{Guid.NewGuid().ToString("N")[..8]}";
        var settings = DefaultSettings(database, smtp, nodeName);
        configure?.Invoke(settings);

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(logs is null ? LogLevel.Warning : LogLevel.Debug);
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        builder.Services.AddRelayNode(
            builder.Configuration,
            extraHocon: $$"""
                akka.actor.deployment."/relay-supervisor/smtp-senders".nr-of-instances = {{senders}}
                akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
                akka.loglevel = {{(logs is null ? "WARNING" : "DEBUG")}}
                """);
        var host = builder.Build();
        await host.StartAsync();
        return new RelayNodeHost(host, nodeName);
    }

    /// <summary>A graceful stop, as on SIGTERM: drains and releases before the actor system ends.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await _host.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _host.Dispose();
    }
}
