using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Relay.Client;
using Relay.DevSmtp;
using Relay.Shared.Queue;
using Relay.TestKit;
using Xunit.Abstractions;

namespace Relay.Node.Tests.Actors;

/// <summary>From the app's IRelayQueue through the node to the SMTP server's mailbox.</summary>
public sealed class EndToEndSpecs : Akka.TestKit.Xunit2.TestKit
{
    public EndToEndSpecs(ITestOutputHelper output)
        : base(output: output)
    {
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_deliver_the_stored_message_intact_when_it_has_bcc_dot_lines_and_a_non_ascii_attachment(
        RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        await using var smtp = new DevSmtpServer();
        await smtp.StartAsync();
        var queue = ClientFor(database);
        var attachment = "first line\r\n.dot-leading line\r\n..two dots\r\nmore text Grüße"u8.ToArray();
        var longLine = new string('x', 1500);
        var body = $"Hello Zoë,\r\n.a line that begins with a dot\r\n.\r\n{longLine}\r\nend ✓";
        var email = new OutgoingEmail
        {
            From = "Ärger Büro <office@example.com>",
            To = { "Ann <ann@example.com>" },
            Bcc = { "hidden@example.com" },
            Subject = "Bestellbestätigung – 注文 ✓",
            TextBody = body,
            Attachments = { new EmailAttachment("Überweisung März.txt", attachment, "text/plain") },
        };

        var id = await queue.EnqueueAsync(email);
        await using var node = await RelayNodeHost.StartAsync(database, smtp);
        await smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(20));

        var received = Assert.Single(smtp.Messages);
        Assert.Equal(["ann@example.com", "hidden@example.com"], received.Recipients.Order());
        var raw = System.Text.Encoding.UTF8.GetString(received.Data);
        Assert.DoesNotContain("hidden@example.com", raw);
        Assert.DoesNotMatch("(?<!\r)\n", raw);
        var message = received.Parse();
        Assert.Empty(message.Bcc);
        Assert.Equal("Bestellbestätigung – 注文 ✓", message.Subject);
        Assert.Equal("Ärger Büro", message.From.Mailboxes.Single().Name);
        Assert.NotNull(message.TextBody);
        Assert.Equal(body.ReplaceLineEndings("\n"), message.TextBody.ReplaceLineEndings("\n").TrimEnd('\n'));
        var part = Assert.IsAssignableFrom<MimePart>(Assert.Single(message.Attachments));
        Assert.NotNull(part.Content);
        Assert.Equal("Überweisung März.txt", part.FileName);
        using var content = new MemoryStream();
        await part.Content.DecodeToAsync(content);
        Assert.Equal(attachment, content.ToArray());
        var status = await queue.GetStatusAsync(id);
        Assert.NotNull(status);
        await AwaitAssertAsync(async () => Assert.Equal(EmailStatus.Sent, (await queue.GetStatusAsync(id))!.Status));
    }

    private static IRelayQueue ClientFor(RelayDatabase database)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddRelayQueue(o =>
        {
            o.Provider = database.Provider;
            o.ConnectionString = database.ConnectionString;
            o.Source = "tests";
        });
        return services.BuildServiceProvider().GetRequiredService<IRelayQueue>();
    }
}
