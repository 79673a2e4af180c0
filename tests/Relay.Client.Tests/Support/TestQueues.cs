using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Relay.Shared.Queue;

namespace Relay.Client.Tests.Support;

/// <summary>Queues built the way applications build them: through <c>AddRelayQueue</c>.</summary>
public static class TestQueues
{
    public const string Source = "specs";

    /// <summary>A fixed clock: 2030-01-02 03:04:05.678 UTC.</summary>
    public static FakeTimeProvider NewClock() => new(new DateTimeOffset(2030, 1, 2, 3, 4, 5, 678, TimeSpan.Zero));

    public static IRelayQueue Create(
        RelayDatabase database,
        Action<RelayQueueOptions>? configure = null,
        TimeProvider? clock = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton(clock ?? NewClock());
        services.AddRelayQueue(options =>
        {
            options.Provider = database.Provider;
            options.ConnectionString = database.ConnectionString;
            options.Source = Source;
            configure?.Invoke(options);
        });
        return services.BuildServiceProvider().GetRequiredService<IRelayQueue>();
    }
}
