using System.Text;
using MimeKit;
using Relay.Client.Tests.Support;
using Relay.Shared.Queue;
using Relay.TestKit;

namespace Relay.Client.Tests;

public sealed class ValidationSpecs
{
    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_refuse_and_store_nothing_when_there_are_no_recipients(RelayDatabaseProvider provider)
    {
        var email = SampleMessages.Outgoing();
        email.To = [];

        await AssertRefusedAsync(provider, queue => queue.EnqueueAsync(email), "To", "no recipients");
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_refuse_and_store_nothing_when_a_mime_message_has_no_recipients(
        RelayDatabaseProvider provider)
    {
        var message = SampleMessages.Simple();
        message.To.Clear();

        await AssertRefusedAsync(provider, queue => queue.EnqueueAsync(message), "To", "no recipients");
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_refuse_and_store_nothing_when_an_address_cannot_be_parsed(RelayDatabaseProvider provider)
    {
        var email = SampleMessages.Outgoing();
        email.Cc = ["not an address"];

        await AssertRefusedAsync(
            provider, queue => queue.EnqueueAsync(email), "Cc", "\"not an address\" is not a valid");
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_refuse_and_store_nothing_when_an_address_has_no_domain(RelayDatabaseProvider provider)
    {
        var message = SampleMessages.Simple();
        message.To.Add(new MailboxAddress("Local", "ann"));

        await AssertRefusedAsync(provider, queue => queue.EnqueueAsync(message), "To", "\"ann\" is not a valid");
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_refuse_and_store_nothing_when_there_is_no_from_and_no_default(
        RelayDatabaseProvider provider)
    {
        var email = SampleMessages.Outgoing();
        email.From = null;

        await AssertRefusedAsync(provider, queue => queue.EnqueueAsync(email), "From", "DefaultFrom");
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_refuse_and_store_nothing_when_the_subject_holds_a_line_break(
        RelayDatabaseProvider provider)
    {
        var email = SampleMessages.Outgoing("Hi\r\nBcc: evil@example.net");

        await AssertRefusedAsync(provider, queue => queue.EnqueueAsync(email), "Subject", "line break");
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_refuse_and_store_nothing_when_a_display_name_holds_a_line_break(
        RelayDatabaseProvider provider)
    {
        var email = SampleMessages.Outgoing();
        email.To = ["\"Ann\nBcc: evil@example.net\" <ann@example.com>"];

        await AssertRefusedAsync(provider, queue => queue.EnqueueAsync(email), "To", "line break");
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_refuse_and_store_nothing_when_a_mimekit_display_name_holds_a_line_break(
        RelayDatabaseProvider provider)
    {
        // MimeKit keeps the line break in the name and only hides it in an encoded word.
        var message = SampleMessages.Simple();
        message.From.Clear();
        message.From.Add(new MailboxAddress("Shop\r\nBcc: evil@example.net", "shop@example.com"));

        await AssertRefusedAsync(provider, queue => queue.EnqueueAsync(message), "From", "display name");
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_refuse_and_store_nothing_when_a_custom_header_holds_a_line_break(
        RelayDatabaseProvider provider)
    {
        var email = SampleMessages.Outgoing();
        email.Headers["X-Foo"] = "a\nBcc: evil@example.net";

        await AssertRefusedAsync(provider, queue => queue.EnqueueAsync(email), "Headers[X-Foo]", "line break");
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_refuse_and_store_nothing_when_a_raw_header_value_injects_a_header(
        RelayDatabaseProvider provider)
    {
        var message = SampleMessages.Simple();
        var header = new Header("X-Raw", "placeholder");
        header.SetRawValue(Encoding.ASCII.GetBytes(" a\r\nBcc: evil@example.net\r\n"));
        message.Headers.Add(header);

        await AssertRefusedAsync(provider, queue => queue.EnqueueAsync(message), "Headers[X-Raw]", "line break");
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_refuse_and_store_nothing_when_an_encoded_subject_decodes_to_a_line_break(
        RelayDatabaseProvider provider)
    {
        var message = MimeMessage.Load(new MemoryStream(Encoding.ASCII.GetBytes(
            "From: shop@example.com\r\nTo: ann@example.com\r\n"
            + "Subject: =?utf-8?q?Hi=0D=0ABcc:_evil@example.net?=\r\n\r\nHello\r\n")));

        await AssertRefusedAsync(provider, queue => queue.EnqueueAsync(message), "Subject", "line break");
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_store_no_injected_header_when_mimekit_strips_a_line_break_from_a_subject(
        RelayDatabaseProvider provider)
    {
        // MimeKit drops CR and LF from a value set through its API before the queue sees it, so the
        // queue cannot refuse it; what matters is that no header is injected.
        var database = await TestDatabases.CreateAsync(provider);
        var queue = TestQueues.Create(database);
        var message = SampleMessages.Simple("Hi\r\nBcc: evil@example.net");

        var id = await queue.EnqueueAsync(message);

        var row = await StoredEmails.ReadAsync(database, id);
        var stored = await StoredEmails.LoadMimeAsync(database, id);
        Assert.Equal("HiBcc: evil@example.net", stored.Subject);
        Assert.Empty(stored.Bcc);
        Assert.DoesNotContain("evil@example.net", RecipientList.Split(row.Recipients));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_refuse_and_store_nothing_when_an_attachment_name_holds_a_line_break(
        RelayDatabaseProvider provider)
    {
        var email = SampleMessages.Outgoing();
        email.Attachments.Add(new EmailAttachment("ok.txt", [1]));
        email.Attachments.Add(new EmailAttachment("evil\r\n.txt", [1]));

        await AssertRefusedAsync(provider, queue => queue.EnqueueAsync(email), "Attachments[1].FileName", "line break");
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_refuse_and_store_nothing_when_a_mimekit_file_name_holds_a_line_break(
        RelayDatabaseProvider provider)
    {
        var message = SampleMessages.Simple();
        var builder = new BodyBuilder { TextBody = "see attached" };
        var part = (MimePart)builder.Attachments.Add("report.txt", "data"u8.ToArray());
        part.FileName = "report\n.txt";
        message.Body = builder.ToMessageBody();

        await AssertRefusedAsync(
            provider, queue => queue.EnqueueAsync(message), "Attachments[0].FileName", "line break");
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_refuse_and_store_nothing_when_a_content_type_name_holds_a_line_break(
        RelayDatabaseProvider provider)
    {
        var message = SampleMessages.Simple();
        var part = new MimePart("application", "octet-stream")
        {
            Content = new MimeContent(new MemoryStream([1, 2])),
        };
        part.ContentType.Name = "data\r\n.bin";
        message.Body = new Multipart("mixed") { new TextPart("plain") { Text = "x" }, part };

        await AssertRefusedAsync(
            provider, queue => queue.EnqueueAsync(message), "Attachments[0].FileName", "line break");
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_refuse_and_store_nothing_when_the_message_is_larger_than_the_maximum(
        RelayDatabaseProvider provider)
    {
        var email = SampleMessages.Outgoing();
        email.Attachments.Add(new EmailAttachment("big.bin", new byte[20_000]));

        await AssertRefusedAsync(
            provider,
            queue => queue.EnqueueAsync(email),
            "Size",
            "larger than the maximum of 10,000 bytes",
            o => o.MaxMessageSize = 10_000);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_refuse_and_store_nothing_when_expiry_is_before_the_scheduled_send(
        RelayDatabaseProvider provider)
    {
        var now = DateTimeOffset.UtcNow;
        var options = new EnqueueOptions { NotBefore = now.AddHours(2), ExpiresAt = now.AddHours(1) };

        await AssertRefusedAsync(
            provider,
            queue => queue.EnqueueAsync(SampleMessages.Outgoing(), options),
            "ExpiresAt",
            "before NotBefore");
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_refuse_and_store_nothing_when_an_extra_header_would_reveal_bcc(
        RelayDatabaseProvider provider)
    {
        var email = SampleMessages.Outgoing();
        email.Headers["Bcc"] = "audit@example.com";

        await AssertRefusedAsync(provider, queue => queue.EnqueueAsync(email), "Headers[Bcc]", "cannot be set");
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_refuse_and_store_nothing_when_a_header_name_is_invalid(RelayDatabaseProvider provider)
    {
        var email = SampleMessages.Outgoing();
        email.Headers["X Bad:Name"] = "value";

        await AssertRefusedAsync(
            provider, queue => queue.EnqueueAsync(email), "Headers[X Bad:Name]", "not a valid header name");
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_refuse_and_store_nothing_when_an_inline_image_has_no_html_body(
        RelayDatabaseProvider provider)
    {
        var email = SampleMessages.Outgoing();
        email.Attachments.Add(new EmailAttachment("logo.png", [1, 2], "image/png") { ContentId = "logo" });

        await AssertRefusedAsync(provider, queue => queue.EnqueueAsync(email), "Attachments[0].ContentId", "HtmlBody");
    }

    [Fact]
    public void Should_allow_25_megabytes_when_no_maximum_is_configured()
    {
        Assert.Equal(25 * 1024 * 1024, new RelayQueueOptions().MaxMessageSize);
    }

    [Fact]
    public async Task Should_refuse_before_touching_the_database_when_input_is_bad()
    {
        var database = new RelayDatabase(RelayDatabaseProvider.Sqlite, "Data Source=/nonexistent/dir/queue.db");
        var queue = TestQueues.Create(database);
        var email = SampleMessages.Outgoing();
        email.To = ["ann at example.com"];

        var error = await Assert.ThrowsAsync<RelayEnqueueException>(() => queue.EnqueueAsync(email));

        Assert.Equal("To", error.Field);
    }

    private static async Task AssertRefusedAsync(
        RelayDatabaseProvider provider,
        Func<IRelayQueue, Task> enqueue,
        string field,
        string problem,
        Action<RelayQueueOptions>? configure = null)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var queue = TestQueues.Create(database, configure);

        var error = await Assert.ThrowsAsync<RelayEnqueueException>(() => enqueue(queue));

        Assert.Equal(field, error.Field);
        Assert.StartsWith(field + ":", error.Message);
        Assert.Contains(problem, error.Message);
        Assert.Equal(0, await StoredEmails.CountAsync(database));
    }
}
