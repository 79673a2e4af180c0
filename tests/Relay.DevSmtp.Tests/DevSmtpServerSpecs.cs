using System.Text;

namespace Relay.DevSmtp.Tests;

public sealed class DevSmtpServerSpecs
{
    [Fact]
    public async Task Should_record_envelope_and_data_when_a_message_is_accepted()
    {
        await using var server = await TestMail.StartAsync();
        using var client = await TestMail.ConnectAsync(server);
        var message = TestMail.Message("sender@example.com", "a@example.com", "b@example.com");

        await client.SendAsync(message);

        var received = Assert.Single(server.Messages);
        Assert.Equal("sender@example.com", received.EnvelopeFrom);
        Assert.Equal(["a@example.com", "b@example.com"], received.Recipients);
        var parsed = received.Parse();
        Assert.Equal(message.MessageId, parsed.MessageId);
        Assert.Equal("Hello from the specs", parsed.Subject);
        var raw = Encoding.ASCII.GetString(received.Data);
        Assert.Contains("\r\nLine one\r\n.leading dot\r\nLast line", raw);
        Assert.EndsWith("\r\n", raw);
        Assert.Equal(1, server.MessageCount);
    }

    [Fact]
    public async Task Should_write_an_eml_file_per_message_when_a_save_directory_is_set()
    {
        var directory = Path.Combine(Path.GetTempPath(), "devsmtp-" + Guid.NewGuid().ToString("N"));
        try
        {
            await using var server = await TestMail.StartAsync(new DevSmtpOptions { SaveDirectory = directory });
            using var client = await TestMail.ConnectAsync(server);

            await client.SendAsync(TestMail.Message("sender@example.com", "a@example.com"));
            await client.SendAsync(TestMail.Message("sender@example.com", "b@example.com"));

            var files = Directory.GetFiles(directory, "*.eml").Order().ToArray();
            Assert.Equal(2, files.Length);
            Assert.Matches(@"^\d{8}T\d{9}-\d+\.eml$", Path.GetFileName(files[0]));
            Assert.Equal(server.Messages[0].Data, await File.ReadAllBytesAsync(files[0]));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Should_count_without_keeping_messages_when_keep_messages_is_false()
    {
        await using var server = await TestMail.StartAsync(new DevSmtpOptions { KeepMessages = false });
        using var client = await TestMail.ConnectAsync(server);

        await client.SendAsync(TestMail.Message("sender@example.com", "a@example.com"));
        await client.SendAsync(TestMail.Message("sender@example.com", "a@example.com"));

        Assert.Equal(2, server.MessageCount);
        Assert.Empty(server.Messages);
        Assert.Equal(2, server.CountFor("a@example.com"));
    }

    [Fact]
    public async Task Should_raise_message_accepted_for_each_message_when_messages_are_not_kept()
    {
        await using var server = await TestMail.StartAsync(new DevSmtpOptions { KeepMessages = false });
        var accepted = new List<ReceivedMessage>();
        server.MessageAccepted += message =>
        {
            lock (accepted)
            {
                accepted.Add(message);
            }
        };
        using var client = await TestMail.ConnectAsync(server);

        await client.SendAsync(TestMail.Message("sender@example.com", "a@example.com"));
        await client.SendAsync(TestMail.Message("sender@example.com", "b@example.com"));

        Assert.Equal(2, accepted.Count);
        Assert.Equal(["b@example.com"], accepted[1].Recipients);
        Assert.Contains("Hello from the specs", System.Text.Encoding.ASCII.GetString(accepted[0].Data));
    }

    [Fact]
    public async Task Should_count_deliveries_per_recipient_when_a_message_is_sent_twice()
    {
        await using var server = await TestMail.StartAsync();
        using var client = await TestMail.ConnectAsync(server);
        var message = TestMail.Message("sender@example.com", "dup@example.com", "once@example.com");

        await client.SendAsync(message);
        await client.SendAsync(message, MimeKit.MailboxAddress.Parse("sender@example.com"),
            [MimeKit.MailboxAddress.Parse("DUP@example.com")]);

        Assert.Equal(2, server.CountFor("dup@example.com"));
        Assert.Equal(1, server.CountFor("once@example.com"));
        Assert.Equal(0, server.CountFor("never@example.com"));
    }

    [Fact]
    public async Task Should_complete_the_wait_when_the_count_is_reached_by_another_task()
    {
        await using var server = await TestMail.StartAsync();
        var waiting = server.WaitForMessagesAsync(2, TestMail.WaitTimeout);
        using var client = await TestMail.ConnectAsync(server);

        await client.SendAsync(TestMail.Message("sender@example.com", "a@example.com"));
        Assert.False(waiting.IsCompleted);
        await client.SendAsync(TestMail.Message("sender@example.com", "a@example.com"));

        await waiting;
        Assert.Equal(2, server.MessageCount);
    }

    [Fact]
    public async Task Should_throw_a_timeout_naming_the_counts_when_too_few_messages_arrive()
    {
        await using var server = await TestMail.StartAsync();
        using var client = await TestMail.ConnectAsync(server);
        await client.SendAsync(TestMail.Message("sender@example.com", "a@example.com"));

        // Nothing else is sent, so a zero timeout is as good as a long one and keeps the spec fast.
        var error = await Assert.ThrowsAsync<TimeoutException>(
            () => server.WaitForMessagesAsync(3, TimeSpan.Zero));

        Assert.Contains("at least 3", error.Message);
        Assert.Contains("has 1", error.Message);
    }

    [Fact]
    public async Task Should_count_one_session_when_a_client_reuses_its_connection()
    {
        await using var server = await TestMail.StartAsync();
        using var client = await TestMail.ConnectAsync(server);

        for (var i = 0; i < 5; i++)
        {
            await client.SendAsync(TestMail.Message("sender@example.com", "a@example.com"));
        }

        using var second = await TestMail.ConnectAsync(server);
        await second.SendAsync(TestMail.Message("sender@example.com", "a@example.com"));

        Assert.Equal(6, server.MessageCount);
        Assert.Equal(2, server.SessionCount);
    }

    [Fact]
    public async Task Should_accept_2000_messages_over_one_connection_when_nagle_is_off()
    {
        const int Count = 2000;
        await using var server = await TestMail.StartAsync(new DevSmtpOptions { KeepMessages = false });
        using var client = await TestMail.ConnectAsync(server);
        var message = TestMail.Message("sender@example.com", "bulk@example.com");

        // Not a timing assertion: with Nagle on this takes ~90 s instead of ~2 s, and the budget turns that
        // regression into a failure instead of a slow pass.
        using var budget = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        for (var i = 0; i < Count; i++)
        {
            await client.SendAsync(message, budget.Token);
        }

        await server.WaitForMessagesAsync(Count, TestMail.WaitTimeout);
        Assert.Equal(Count, server.CountFor("bulk@example.com"));
        Assert.Equal(1, server.SessionCount);
    }

    [Fact]
    public async Task Should_refuse_a_message_with_552_when_it_exceeds_the_maximum_size()
    {
        await using var server = await TestMail.StartAsync(new DevSmtpOptions { MaxMessageSize = 2000 });
        using var client = await TestMail.ConnectAsync(server);
        var big = TestMail.Message("sender@example.com", "a@example.com");
        big.Body = new MimeKit.TextPart("plain") { Text = new string('x', 5000) };

        var error = await Assert.ThrowsAsync<MailKit.Net.Smtp.SmtpCommandException>(() => client.SendAsync(big));

        Assert.Equal(MailKit.Net.Smtp.SmtpStatusCode.ExceededStorageAllocation, error.StatusCode);
        Assert.Equal(0, server.MessageCount);
        await client.SendAsync(TestMail.Message("sender@example.com", "a@example.com"));
        Assert.Equal(1, server.MessageCount);
    }
}
