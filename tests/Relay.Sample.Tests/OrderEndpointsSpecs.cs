using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Relay.Shared.Queue;

namespace Relay.Sample.Tests;

public sealed class OrderEndpointsSpecs : IAsyncLifetime
{
    private SampleAppHost _host = null!;

    public async Task InitializeAsync() => _host = await SampleAppHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Should_store_the_order_and_queue_one_confirmation_when_the_order_is_valid()
    {
        using var response = await _host.Client.PostAsJsonAsync(
            "/orders", new { customerEmail = "Jürgen Müller <juergen@example.com>", total = 42.50m });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<CreateOrderResponse>();
        Assert.NotNull(created);
        Assert.Equal($"/orders/{created.OrderId}", response.Headers.Location?.OriginalString);
        Assert.Equal(1, await _host.CountOrdersAsync());
        var email = Assert.Single(await _host.ReadEmailsAsync());
        Assert.Equal(created.EmailId, email.Id);
        Assert.Equal(EmailStatus.Queued, email.Status);
        Assert.Equal(EmailPriority.High, email.Priority);
        Assert.Equal("sample-shop", email.Source);
        Assert.Equal("juergen@example.com", email.Recipients);
        Assert.Equal("shop@sample.example", email.EnvelopeFrom);
    }

    [Fact]
    public async Task Should_answer_400_and_store_nothing_when_the_customer_email_is_invalid()
    {
        using var response = await _host.Client.PostAsJsonAsync(
            "/orders", new { customerEmail = "not-an-email", total = 10m });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("not-an-email", problem.RootElement.GetProperty("detail").GetString());
        Assert.Equal("To", problem.RootElement.GetProperty("field").GetString());
        Assert.Equal(0, await _host.CountOrdersAsync());
        Assert.Empty(await _host.ReadEmailsAsync());
    }

    [Fact]
    public async Task Should_report_the_confirmation_email_status_when_the_order_exists()
    {
        using var created = await _host.Client.PostAsJsonAsync(
            "/orders", new { customerEmail = "ann@example.com", total = 7m });
        var order = await created.Content.ReadFromJsonAsync<CreateOrderResponse>();
        Assert.NotNull(order);

        using var response = await _host.Client.GetAsync($"/orders/{order.OrderId}/email");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var status = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(order.EmailId, status.RootElement.GetProperty("id").GetGuid());
        Assert.Equal("Queued", status.RootElement.GetProperty("status").GetString());
        Assert.Equal(0, status.RootElement.GetProperty("attempts").GetInt32());
        Assert.StartsWith("Your order ", status.RootElement.GetProperty("subject").GetString());
    }

    [Fact]
    public async Task Should_answer_404_when_the_order_does_not_exist()
    {
        using var response = await _host.Client.GetAsync($"/orders/{Guid.NewGuid()}/email");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Should_answer_400_and_store_nothing_when_the_total_is_not_positive()
    {
        using var response = await _host.Client.PostAsJsonAsync(
            "/orders", new { customerEmail = "ann@example.com", total = 0m });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await _host.CountOrdersAsync());
        Assert.Empty(await _host.ReadEmailsAsync());
    }
}
