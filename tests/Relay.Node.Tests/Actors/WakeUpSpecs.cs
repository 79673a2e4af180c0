using Relay.DevSmtp;
using Relay.Shared.Queue;
using Relay.TestKit;
using Xunit.Abstractions;

namespace Relay.Node.Tests.Actors;

public sealed class WakeUpSpecs : Akka.TestKit.Xunit2.TestKit
{
    public WakeUpSpecs(ITestOutputHelper output)
        : base(output: output)
    {
    }

    [Fact]
    public async Task Should_deliver_at_once_on_postgresql_when_an_email_is_queued_while_the_node_idles()
    {
        var database = await TestDatabases.CreateAsync(RelayDatabaseProvider.PostgreSql);
        await using var smtp = new DevSmtpServer();
        await smtp.StartAsync();
        await TestEmails.InsertAsync(database, [TestEmails.Build(to: "first@example.com")]);
        await using var node = await RelayNodeHost.StartAsync(database, smtp, settings =>
        {
            // Without the notification the second email would wait an hour.
            settings["Relay:Poller:PollInterval"] = "01:00:00";
            settings["Relay:Poller:LeaseCheckInterval"] = "01:00:00";
        });
        await smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(20));

        await TestEmails.InsertAsync(database, [TestEmails.Build(to: "second@example.com")]);

        await smtp.WaitForMessagesAsync(2, TimeSpan.FromSeconds(10));
        Assert.Equal(1, smtp.CountFor("second@example.com"));
    }
}
