using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Relay.Client.Internal;

namespace Relay.Client;

/// <summary>Registers <see cref="IRelayQueue"/> in a service collection.</summary>
public static class RelayClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="IRelayQueue"/> configured in code. The options are validated
    /// when the queue is first resolved (and at host start); a <see cref="TimeProvider"/> registered in
    /// the container is used, or else the system clock. Calling it again adds the configuration
    /// and nothing else.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the provider, connection string, source name and the rest.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddRelayQueue(
        this IServiceCollection services,
        Action<RelayQueueOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<RelayQueueOptions>().Configure(configure).ValidateOnStart();
        return AddQueue(services);
    }

    /// <summary>
    /// Registers a singleton <see cref="IRelayQueue"/> bound to a configuration section, usually
    /// <c>configuration.GetSection(RelayQueueOptions.SectionName)</c> (keys <c>Provider</c>,
    /// <c>ConnectionString</c>, <c>Source</c>, <c>DefaultFrom</c>, <c>MaxMessageSize</c>).
    /// Otherwise as <see cref="AddRelayQueue(IServiceCollection, Action{RelayQueueOptions})"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The section holding the queue options.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddRelayQueue(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<RelayQueueOptions>().Bind(configuration).ValidateOnStart();
        return AddQueue(services);
    }

    private static IServiceCollection AddQueue(IServiceCollection services)
    {
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IValidateOptions<RelayQueueOptions>, RelayQueueOptionsValidator>());
        services.TryAddSingleton<IRelayQueue>(provider => new RelayQueue(
            provider.GetRequiredService<IOptions<RelayQueueOptions>>().Value,
            provider.GetService<TimeProvider>() ?? TimeProvider.System,
            provider.GetService<ILoggerFactory>()?.CreateLogger<RelayQueue>() ?? NullLogger<RelayQueue>.Instance));
        return services;
    }
}
