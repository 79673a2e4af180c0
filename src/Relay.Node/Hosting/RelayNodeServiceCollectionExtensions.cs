using System.Reflection;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Relay.Node.Actors;
using Relay.Node.Actors.Polling;
using Relay.Node.Actors.Sending;
using Relay.Node.Data;
using Relay.Node.Delivery;
using Relay.Node.Options;
using Relay.Shared.Queue;

namespace Relay.Node.Hosting;

public static class RelayNodeServiceCollectionExtensions
{
    public const string ActorSystemName = "relay";

    /// <summary>
    /// Adds the relay node: validated options, the queue store, the schema check and the Akka.NET
    /// actor tree. <paramref name="extraHocon"/> (tests, benchmarks) overrides the embedded HOCON.
    /// </summary>
    public static IServiceCollection AddRelayNode(
        this IServiceCollection services,
        IConfiguration configuration,
        string? extraHocon = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<NodeOptions>()
            .Bind(configuration.GetSection(NodeOptions.SectionName))
            .Configure(o => o.ConnectionString ??= configuration.GetConnectionString("Relay"))
            .Validate(o => string.IsNullOrWhiteSpace(o.HoconFile) || File.Exists(o.HoconFile),
                "Relay:HoconFile (Relay__HoconFile) names a file that does not exist.")
            .ValidateDataAnnotations()
            .ValidateOnStart();
        AddSection<SmtpOptions>(services, configuration, SmtpOptions.SectionName)
            .Validate(o => o.MinBackoff > TimeSpan.Zero && o.MinBackoff <= o.MaxBackoff,
                "Relay:Smtp:MinBackoff must be positive and not above Relay:Smtp:MaxBackoff.")
            .Validate(o => o.ConnectTimeout > TimeSpan.Zero && o.CommandTimeout > TimeSpan.Zero,
                "Relay:Smtp:ConnectTimeout and Relay:Smtp:CommandTimeout must be positive.")
            .Validate(o => string.IsNullOrEmpty(o.Username) || !string.IsNullOrEmpty(o.Password),
                "Relay:Smtp:Password is required when Relay:Smtp:Username is set.");
        AddSection<DeliveryOptions>(services, configuration, DeliveryOptions.SectionName)
            .Validate(o => o.MinRetryDelay > TimeSpan.Zero && o.MinRetryDelay <= o.MaxRetryDelay,
                "Relay:Delivery:MinRetryDelay must be positive and not above Relay:Delivery:MaxRetryDelay.")
            .Validate(o => o.MaxAge > TimeSpan.Zero, "Relay:Delivery:MaxAge must be positive.");
        AddSection<PollerOptions>(services, configuration, PollerOptions.SectionName)
            .Validate(o => o.PollInterval > TimeSpan.Zero && o.PollInterval <= TimeSpan.FromHours(1),
                "Relay:Poller:PollInterval must be between 0 and 1 hour, written hh:mm:ss (a bare number means days).")
            .Validate(o => o.LeaseCheckInterval > TimeSpan.Zero && o.LeaseCheckInterval <= TimeSpan.FromHours(1),
                "Relay:Poller:LeaseCheckInterval must be between 0 and 1 hour, written hh:mm:ss.")
            .Validate(o => o.LeaseDuration >= TimeSpan.FromSeconds(10),
                "Relay:Poller:LeaseDuration must be at least 10 seconds (longer than any one send).");
        AddSection<OutcomeOptions>(services, configuration, OutcomeOptions.SectionName)
            .Validate(o => o.FlushInterval > TimeSpan.Zero && o.FlushInterval <= TimeSpan.FromSeconds(10),
                "Relay:Outcomes:FlushInterval must be between 0 and 10 seconds, written hh:mm:ss.fff.")
            .Validate(o => o.RetryDelay > TimeSpan.Zero && o.RetryDelay <= TimeSpan.FromMinutes(5),
                "Relay:Outcomes:RetryDelay must be between 0 and 5 minutes, written hh:mm:ss.");
        AddSection<JanitorOptions>(services, configuration, JanitorOptions.SectionName)
            .Validate(o => o.PruneInterval > TimeSpan.Zero && o.PruneInterval <= TimeSpan.FromDays(1),
                "Relay:Janitor:PruneInterval must be between 0 and 1 day, written hh:mm:ss.")
            .Validate(o => o.RetainSentFor >= TimeSpan.Zero,
                "Relay:Janitor:RetainSentFor must not be negative (0 prunes at once; "
                + "Relay:Janitor:KeepSentForever=true keeps sent emails forever).")
            .Validate(o => o.RetainFailedFor >= TimeSpan.Zero,
                "Relay:Janitor:RetainFailedFor must not be negative (0 prunes at once; "
                + "Relay:Janitor:KeepFailedForever=true keeps failed emails forever).");

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp =>
        {
            var node = sp.GetRequiredService<IOptions<NodeOptions>>().Value;
            return new RelayDatabase(node.DatabaseProvider, node.ConnectionString!);
        });
        services.TryAddSingleton<IQueueStore, QueueStore>();
        services.TryAddSingleton<NodeHealthState>();
        services.AddHostedService<SchemaStartupService>();
        services.AddHealthChecks()
            .AddCheck<RelayLivenessCheck>("relay-live", tags: ["live"])
            .AddCheck<RelayReadinessCheck>("relay-ready", tags: ["ready"]);

        services.AddAkka(ActorSystemName, (builder, sp) =>
        {
            builder.AddHocon(ReadEmbeddedHocon(), HoconAddMode.Append);

            // The drain runs in the service-unbind phase, whose default timeout (5 s) would cut it
            // short of Relay:ShutdownTimeout. A HOCON file or extraHocon below may still override it.
            var shutdownTimeout = sp.GetRequiredService<IOptions<NodeOptions>>().Value.ShutdownTimeout;
            builder.AddHocon(
                "akka.coordinated-shutdown.phases.service-unbind.timeout = "
                + $"{(long)(shutdownTimeout + TimeSpan.FromSeconds(10)).TotalMilliseconds}ms",
                HoconAddMode.Prepend);
            var hoconFile = configuration["Relay:HoconFile"];
            if (!string.IsNullOrWhiteSpace(hoconFile))
            {
                builder.AddHocon(File.ReadAllText(hoconFile), HoconAddMode.Prepend);
            }

            if (extraHocon is not null)
            {
                builder.AddHocon(extraHocon, HoconAddMode.Prepend);
            }

            builder.ConfigureLoggers(loggers =>
            {
                loggers.LogLevel = AkkaLogLevel(configuration);
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            });
            builder.WithActors((system, registry, _) =>
            {
                var settings = CreateSettings(sp);

                // Subscribed here, before any sender exists: a subscription from the listener's own
                // PreStart could miss the first "connected" event and leave readiness at 503.
                var healthListener = system.ActorOf(
                    Props.Create(() => new HealthListenerActor(sp.GetRequiredService<NodeHealthState>())),
                    "health-listener");
                system.EventStream.Subscribe(healthListener, typeof(SenderConnectionChanged));
                var supervisor = system.ActorOf(
                    Props.Create(() => new RelaySupervisorActor(settings)), RelaySupervisorActor.Name);
                registry.Register<RelaySupervisorActor>(supervisor);

                var drainTimeout = settings.ShutdownTimeout + TimeSpan.FromSeconds(5);
                CoordinatedShutdown.Get(system).AddTask(
                    CoordinatedShutdown.PhaseServiceUnbind,
                    "relay-drain",
                    async () =>
                    {
                        await supervisor.Ask<NodeDrained>(DrainNode.Instance, drainTimeout);
                        return Akka.Done.Instance;
                    });
            });
        });

        return services;
    }

    // Akka filters before Microsoft.Extensions.Logging sees anything, so it follows the level
    // configured for the "Akka" category (or the default level).
    private static Akka.Event.LogLevel AkkaLogLevel(IConfiguration configuration)
    {
        var level = configuration["Logging:LogLevel:Akka"] ?? configuration["Logging:LogLevel:Default"];
        return Enum.TryParse<LogLevel>(level, ignoreCase: true, out var parsed) ? parsed switch
        {
            LogLevel.Trace or LogLevel.Debug => Akka.Event.LogLevel.DebugLevel,
            LogLevel.Information => Akka.Event.LogLevel.InfoLevel,
            LogLevel.Warning => Akka.Event.LogLevel.WarningLevel,
            _ => Akka.Event.LogLevel.ErrorLevel,
        } : Akka.Event.LogLevel.InfoLevel;
    }

    private static OptionsBuilder<T> AddSection<T>(
        IServiceCollection services,
        IConfiguration configuration,
        string section)
        where T : class =>
        services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateDataAnnotations().ValidateOnStart();

    private static RelayNodeSettings CreateSettings(IServiceProvider sp)
    {
        var node = sp.GetRequiredService<IOptions<NodeOptions>>().Value;
        var database = sp.GetRequiredService<RelayDatabase>();
        var poller = sp.GetRequiredService<IOptions<PollerOptions>>().Value;
        var smtp = sp.GetRequiredService<IOptions<SmtpOptions>>().Value;
        var name = string.IsNullOrWhiteSpace(node.NodeName)
            ? $"{Environment.MachineName}-{Guid.NewGuid().ToString("N")[..6]}"
            : node.NodeName;
        IQueueWakeUp? wakeUp = database.Provider == RelayDatabaseProvider.PostgreSql && poller.UseNotifications
            ? new PostgresQueueWakeUp(database, sp.GetRequiredService<ILogger<PostgresQueueWakeUp>>())
            : null;

        Logging.NodeLog.Starting(
            sp.GetRequiredService<ILogger<RelaySupervisorActor>>(),
            name,
            database.ToString(),
            smtp.Host,
            smtp.Port,
            smtp.Security.ToString());

        return new RelayNodeSettings(
            name,
            sp.GetRequiredService<IQueueStore>(),
            smtp,
            sp.GetRequiredService<IOptions<DeliveryOptions>>().Value,
            poller,
            sp.GetRequiredService<IOptions<OutcomeOptions>>().Value,
            sp.GetRequiredService<IOptions<JanitorOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            wakeUp,
            node.ShutdownTimeout);
    }

    private static string ReadEmbeddedHocon()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("relay.hocon")
            ?? throw new InvalidOperationException("The embedded relay.hocon is missing from Relay.Node.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
