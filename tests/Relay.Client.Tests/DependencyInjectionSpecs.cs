using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Relay.Client.Tests.Support;
using Relay.Shared.Queue;
using Relay.TestKit;

namespace Relay.Client.Tests;

public sealed class DependencyInjectionSpecs
{
    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_resolve_a_working_queue_when_bound_from_configuration(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Relay:Queue:Provider"] = provider.ToString(),
                ["Relay:Queue:ConnectionString"] = database.ConnectionString,
                ["Relay:Queue:Source"] = "shop-web",
                ["Relay:Queue:DefaultFrom"] = "Shop <noreply@shop.example.com>",
                ["Relay:Queue:MaxMessageSize"] = "1000000",
            })
            .Build();
        var services = new ServiceCollection();
        services.AddRelayQueue(configuration.GetSection(RelayQueueOptions.SectionName));
        await using var container = services.BuildServiceProvider();
        var queue = container.GetRequiredService<IRelayQueue>();
        var email = SampleMessages.Outgoing();
        email.From = null;

        var id = await queue.EnqueueAsync(email);

        var row = await StoredEmails.ReadAsync(database, id);
        Assert.Equal("shop-web", row.Source);
        Assert.Equal("noreply@shop.example.com", row.EnvelopeFrom);
        Assert.Equal(EmailStatus.Queued, (await queue.GetStatusAsync(id))?.Status);
        Assert.Equal(1_000_000, container.GetRequiredService<IOptions<RelayQueueOptions>>().Value.MaxMessageSize);
    }

    [Fact]
    public void Should_name_every_missing_key_when_options_are_incomplete()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Relay:Queue:Provider"] = "PostgreSql" })
            .Build();
        var services = new ServiceCollection();
        services.AddRelayQueue(configuration.GetSection(RelayQueueOptions.SectionName));
        using var container = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => container.GetRequiredService<IRelayQueue>());

        Assert.Contains("Relay:Queue:ConnectionString is required", error.Message);
        Assert.Contains("Relay:Queue:Source is required", error.Message);
    }

    [Fact]
    public void Should_refuse_a_default_from_that_is_not_an_address()
    {
        var services = new ServiceCollection();
        services.AddRelayQueue(o =>
        {
            o.ConnectionString = "Data Source=queue.db";
            o.Source = "shop";
            o.DefaultFrom = "no-reply";
        });
        using var container = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => container.GetRequiredService<IRelayQueue>());

        Assert.Contains("Relay:Queue:DefaultFrom", error.Message);
    }

    [Fact]
    public async Task Should_stop_the_host_at_start_when_options_are_invalid()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddRelayQueue(o => o.Source = "shop");
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Relay:Queue:ConnectionString", error.Message);
    }

    [Fact]
    public void Should_register_one_queue_when_added_twice()
    {
        var services = new ServiceCollection();

        services.AddRelayQueue(o => o.Source = "a");
        services.AddRelayQueue(o => o.ConnectionString = "Data Source=queue.db");

        Assert.Single(services, d => d.ServiceType == typeof(IRelayQueue));
        Assert.Single(services, d => d.ServiceType == typeof(IValidateOptions<RelayQueueOptions>));
    }

    [Fact]
    public void Should_throw_argument_null_when_arguments_are_missing()
    {
        Assert.Throws<ArgumentNullException>(
            () => new ServiceCollection().AddRelayQueue((Action<RelayQueueOptions>)null!));
        Assert.Throws<ArgumentNullException>(() => new ServiceCollection().AddRelayQueue((IConfiguration)null!));
        Assert.Throws<ArgumentNullException>(() => ((IServiceCollection)null!).AddRelayQueue(_ => { }));
    }
}
