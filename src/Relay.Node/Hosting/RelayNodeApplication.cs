using System.Data.Common;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Relay.Shared.Schema;

namespace Relay.Node.Hosting;

/// <summary>
/// The web host of the `run` command: the relay node plus its health endpoints. Tests start the
/// node through <see cref="StartAsync"/> too, so they exercise the same wiring.
/// </summary>
internal static class RelayNodeApplication
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";
    public const int DefaultPort = 8080;
    public const string ConfigurationHint =
        "Settings come from appsettings.json and environment variables (Relay:Smtp:Host is "
        + "Relay__Smtp__Host); docs/configuration.md lists them all.";

    /// <summary>
    /// Builds, validates and starts the node. On a start error it writes the reason (naming the
    /// setting at fault) to <paramref name="error"/> and returns null.
    /// </summary>
    public static async Task<WebApplication?> StartAsync(
        string[] args,
        TextWriter error,
        Action<WebApplicationBuilder>? configure = null,
        CancellationToken cancellationToken = default)
    {
        WebApplication? app = null;
        try
        {
            app = Build(args, configure);
            await app.StartAsync(cancellationToken);
            return app;
        }
        catch (Exception failure) when (IsStartError(failure, cancellationToken))
        {
            await error.WriteLineAsync($"relay-node: cannot start: {Describe(failure)}");
            await error.WriteLineAsync(ConfigurationHint);
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            return null;
        }
    }

    /// <summary>The URL the `health` command probes by default: this machine, on the port `run` listens on.</summary>
    public static string DefaultHealthUrl(IConfiguration configuration)
    {
        var urls = FirstNonEmpty(configuration["urls"], configuration["Relay:HealthUrls"]);
        if (urls is null)
        {
            var port = FirstNonEmpty(configuration["http_ports"])?.Split([';', ','])[0].Trim()
                ?? DefaultPort.ToString(CultureInfo.InvariantCulture);
            return $"http://127.0.0.1:{port}{ReadyPath}";
        }

        var address = BindingAddress.Parse(urls.Split(';', StringSplitOptions.RemoveEmptyEntries)[0].Trim());
        var host = address.Host is "0.0.0.0" or "*" or "+" or "[::]" or "localhost" ? "127.0.0.1" : address.Host;
        return $"{address.Scheme}://{host}:{address.Port}{ReadyPath}";
    }

    private static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure)
    {
        // appsettings.json is published next to the assembly; the working directory may be anywhere.
        // The slim builder leaves out what two plain-HTTP health endpoints never use (HTTPS, HTTP/3,
        // IIS, hosting startup assemblies): less code mapped, 1-2 MB less resident memory.
        var builder = WebApplication.CreateSlimBuilder(
            new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        configure?.Invoke(builder);

        // ASP.NET's own settings win (ASPNETCORE_URLS, then the ASPNETCORE_HTTP_PORTS the .NET
        // container images set); Relay:HealthUrls sits between them so a plain setup needs neither.
        var healthUrls = builder.Configuration["Relay:HealthUrls"];
        if (string.IsNullOrEmpty(builder.Configuration["urls"])
            && (!string.IsNullOrWhiteSpace(healthUrls) || string.IsNullOrEmpty(builder.Configuration["http_ports"])))
        {
            builder.WebHost.UseUrls(
                string.IsNullOrWhiteSpace(healthUrls) ? $"http://0.0.0.0:{DefaultPort}" : healthUrls);
        }

        builder.Services.AddRelayNode(builder.Configuration);
        builder.Services.Configure<HostOptions>(o =>
            o.ShutdownTimeout = builder.Configuration.GetValue("Relay:ShutdownTimeout", TimeSpan.FromSeconds(20))
                + TimeSpan.FromSeconds(10));

        var app = builder.Build();

        // Every ValidateOnStart rule at once, before anything connects: one failed start names
        // every bad setting instead of the first one a hosted service happens to resolve.
        app.Services.GetService<IStartupValidator>()?.Validate();

        app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = c => c.Tags.Contains("live") });
        app.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        return app;
    }

    private static bool IsStartError(Exception error, CancellationToken cancellationToken) => error switch
    {
        OperationCanceledException => cancellationToken.IsCancellationRequested,
        AggregateException aggregate => aggregate.InnerExceptions.All(e => IsStartError(e, cancellationToken)),
        _ => error is OptionsValidationException or InvalidOperationException or FormatException
            or RelaySchemaException or DbException or Akka.Configuration.ConfigurationException,
    };

    // Options validation reports every failed rule, each naming its key; a value the binder could
    // not convert names its key in the message.
    private static string Describe(Exception error) => error switch
    {
        AggregateException aggregate => string.Join(" ", aggregate.InnerExceptions.Select(Describe)),
        OptionsValidationException validation => string.Join(" ", validation.Failures),
        DbException => $"the queue database (ConnectionStrings:Relay) is unreachable: {error.Message}",
        Akka.Configuration.ConfigurationException => $"the HOCON (Relay:HoconFile) is invalid: {error.Message}",
        OperationCanceledException => "stopped while starting.",
        _ => error.Message,
    };

    private static string? FirstNonEmpty(params string?[] values) =>
        values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
}
