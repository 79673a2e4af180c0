using System.Text.Json.Serialization;
using Relay.Client;

namespace Relay.Sample;

/// <summary>Builds the sample app; tests start the same app on a free port.</summary>
public static class SampleApp
{
    /// <summary>
    /// Builds the app from <paramref name="args"/>, appsettings.json and the environment
    /// (<c>Relay__Queue__ConnectionString</c> and so on), then prepares its database.
    /// </summary>
    public static async Task<WebApplication> CreateAsync(string[] args, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddRelayQueue(builder.Configuration.GetSection(RelayQueueOptions.SectionName));
        // The confirmations carry no From of their own; without a default every order would fail with 400.
        builder.Services.AddOptions<RelayQueueOptions>()
            .Validate(
                o => !string.IsNullOrWhiteSpace(o.DefaultFrom),
                "Relay:Queue:DefaultFrom (Relay__Queue__DefaultFrom) is required: the sender of order confirmations.")
            .ValidateOnStart();
        builder.Services.AddSingleton<OrdersDatabase>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(
            o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));

        var app = builder.Build();
        await app.Services.GetRequiredService<OrdersDatabase>().InitializeAsync(cancellationToken);
        app.MapOrderEndpoints();
        return app;
    }
}
