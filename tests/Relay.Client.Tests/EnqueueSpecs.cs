using System.Text;
using MimeKit;
using Relay.Client.Tests.Support;
using Relay.Shared.Queue;
using Relay.TestKit;

namespace Relay.Client.Tests;

public sealed class EnqueueSpecs
{
    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_load_back_an_equal_message_when_a_mime_message_is_enqueued(
        RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var queue = TestQueues.Create(database);
        var message = SampleMessages.Simple();
        message.Cc.Add(new MailboxAddress("Bob", "bob@example.com"));
        message.ReplyTo.Add(new MailboxAddress("Help", "help@example.com"));
        message.Headers.Add("X-Campaign", "spring");
        var builder = new BodyBuilder { TextBody = "plain text", HtmlBody = "<p>html</p>" };
        var pdf = Encoding.ASCII.GetBytes("%PDF-1.4 fake");
        builder.Attachments.Add("report.pdf", pdf, ContentType.Parse("application/pdf"));
        message.Body = builder.ToMessageBody();

        var id = await queue.EnqueueAsync(message);

        MimeAssert.Equivalent(message, await StoredEmails.LoadMimeAsync(database, id));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_load_back_the_same_values_when_an_outgoing_email_is_enqueued(
        RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var queue = TestQueues.Create(database);
        var email = new OutgoingEmail
        {
            From = "Shop <shop@example.com>",
            To = ["Ann <ann@example.com>", "carl@example.com"],
            Cc = ["Bob <bob@example.com>"],
            ReplyTo = ["help@example.com"],
            Subject = "Your order",
            TextBody = "Thanks for your order.",
            HtmlBody = "<p>Thanks for your order.</p>",
            Attachments = [new EmailAttachment("invoice.pdf", [1, 2, 3, 4], "application/pdf")],
            Headers = new Dictionary<string, string> { ["X-Order"] = "42" },
        };

        var id = await queue.EnqueueAsync(email);

        var stored = await StoredEmails.LoadMimeAsync(database, id);
        Assert.Equal("\"Shop\" <shop@example.com>", stored.From.ToString());
        Assert.Equal(["ann@example.com", "carl@example.com"], stored.To.Mailboxes.Select(m => m.Address));
        Assert.Equal("Ann", stored.To.Mailboxes.First().Name);
        Assert.Equal("bob@example.com", Assert.Single(stored.Cc.Mailboxes).Address);
        Assert.Equal("help@example.com", Assert.Single(stored.ReplyTo.Mailboxes).Address);
        Assert.Equal("Your order", stored.Subject);
        Assert.Equal("42", stored.Headers["X-Order"]);
        Assert.Equal("Thanks for your order.", stored.TextBody?.TrimEnd());
        Assert.Equal("<p>Thanks for your order.</p>", stored.HtmlBody?.TrimEnd());
        var attachment = Assert.IsType<MimePart>(Assert.Single(stored.Attachments));
        Assert.Equal("invoice.pdf", attachment.FileName);
        Assert.Equal("application/pdf", attachment.ContentType.MimeType);
        Assert.Equal([1, 2, 3, 4], MimeAssert.Decoded(attachment));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_fill_every_column_the_node_reads_when_enqueued(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var clock = TestQueues.NewClock();
        var queue = TestQueues.Create(database, clock: clock);
        var message = SampleMessages.Simple("Receipt");
        message.To.Add(new MailboxAddress("Ann again", "ANN@example.com"));
        message.Bcc.Add(new MailboxAddress("Audit", "audit@example.com"));
        var notBefore = clock.GetUtcNow().AddHours(1);
        var expiresAt = clock.GetUtcNow().AddDays(1);

        var id = await queue.EnqueueAsync(message, new EnqueueOptions
        {
            Priority = EmailPriority.High,
            NotBefore = notBefore,
            ExpiresAt = expiresAt,
        });

        var row = await StoredEmails.ReadAsync(database, id);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        Assert.Equal(7, id.Version);
        Assert.Equal(TestQueues.Source, row.Source);
        Assert.Null(row.IdempotencyKey);
        Assert.Equal(EmailPriority.High, row.Priority);
        Assert.Equal(EmailStatus.Queued, row.Status);
        Assert.Equal("shop@example.com", row.EnvelopeFrom);
        Assert.Equal(["ann@example.com", "audit@example.com"], RecipientList.Split(row.Recipients));
        Assert.Null(row.PendingRecipients);
        Assert.Equal("Receipt", row.Subject);
        Assert.Equal(row.Mime.Length, row.Size);
        Assert.Equal(message.MessageId, row.MessageId);
        Assert.DoesNotContain('<', row.MessageId);
        Assert.Equal(0, row.Attempts);
        Assert.Equal(notBefore.ToUnixTimeMilliseconds(), row.NextAttemptAt);
        Assert.Equal(expiresAt.ToUnixTimeMilliseconds(), row.ExpiresAt);
        Assert.Null(row.LeaseOwner);
        Assert.Equal(now, row.CreatedAt);
        Assert.Equal(now, row.UpdatedAt);
        Assert.Null(row.SentAt);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_be_due_now_when_no_schedule_is_given(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var clock = TestQueues.NewClock();
        var queue = TestQueues.Create(database, clock: clock);

        var id = await queue.EnqueueAsync(SampleMessages.Simple());

        var row = await StoredEmails.ReadAsync(database, id);
        Assert.Equal(clock.GetUtcNow().ToUnixTimeMilliseconds(), row.NextAttemptAt);
        Assert.Null(row.ExpiresAt);
        Assert.Equal(EmailPriority.Normal, row.Priority);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_return_byte_equal_content_when_a_text_attachment_holds_the_word_test(
        RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var queue = TestQueues.Create(database);
        var email = SampleMessages.Outgoing();
        email.Attachments.Add(new EmailAttachment("note.txt", Encoding.ASCII.GetBytes("test"), "text/plain"));

        var id = await queue.EnqueueAsync(email);

        var stored = await StoredEmails.LoadMimeAsync(database, id);
        var attachment = Assert.IsType<TextPart>(Assert.Single(stored.Attachments));
        Assert.Equal("note.txt", attachment.FileName);
        Assert.Equal("test"u8.ToArray(), MimeAssert.Decoded(attachment));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_keep_the_file_name_when_an_attachment_name_is_not_ascii(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var queue = TestQueues.Create(database);
        var email = SampleMessages.Outgoing();
        email.Attachments.Add(new EmailAttachment("Übersicht März – 日本.pdf", [9, 8, 7]));

        var id = await queue.EnqueueAsync(email);

        var stored = await StoredEmails.LoadMimeAsync(database, id);
        var attachment = Assert.IsType<MimePart>(Assert.Single(stored.Attachments));
        Assert.Equal("Übersicht März – 日本.pdf", attachment.FileName);
        Assert.Equal("application/pdf", attachment.ContentType.MimeType);
        Assert.Equal([9, 8, 7], MimeAssert.Decoded(attachment));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_relate_the_image_to_the_html_when_an_inline_image_has_a_content_id(
        RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var queue = TestQueues.Create(database);
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3];
        var email = SampleMessages.Outgoing();
        email.HtmlBody = "<p><img src=\"cid:logo\"></p>";
        email.Attachments.Add(new EmailAttachment("logo.png", png, "image/png") { ContentId = "logo" });

        var id = await queue.EnqueueAsync(email);

        var stored = await StoredEmails.LoadMimeAsync(database, id);
        var related = stored.BodyParts.OfType<MimePart>().Single(p => p.ContentId == "logo");
        Assert.Equal("image/png", related.ContentType.MimeType);
        Assert.False(related.IsAttachment);
        Assert.Equal(png, MimeAssert.Decoded(related));
        Assert.Empty(stored.Attachments);
        var multipartRelated = Assert.Single(
            Multiparts(stored.Body!), m => m.ContentType.MimeType == "multipart/related");
        Assert.Contains(related, multipartRelated);
        Assert.Contains("cid:logo", stored.HtmlBody);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_keep_subject_and_display_name_when_they_are_not_ascii(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var queue = TestQueues.Create(database);
        var email = SampleMessages.Outgoing("Grüße aus Zürich – 注文 №42 ✓");
        email.From = "Jürgen Müller <juergen@example.com>";
        email.To = ["Zoë Ångström <zoe@example.com>"];

        var id = await queue.EnqueueAsync(email);

        var row = await StoredEmails.ReadAsync(database, id);
        var stored = await StoredEmails.LoadMimeAsync(database, id);
        Assert.Equal("Grüße aus Zürich – 注文 №42 ✓", stored.Subject);
        Assert.Equal("Grüße aus Zürich – 注文 №42 ✓", row.Subject);
        Assert.Equal("Jürgen Müller", stored.From.Mailboxes.Single().Name);
        Assert.Equal("Zoë Ångström", stored.To.Mailboxes.Single().Name);
        Assert.True(row.Mime.All(b => b < 128), "headers and bodies are written as 7-bit MIME");
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_deliver_without_a_bcc_header_when_the_message_is_bcc_only(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var queue = TestQueues.Create(database);
        var email = SampleMessages.Outgoing();
        email.To = [];
        email.Bcc = ["Secret <secret@example.com>", "hidden@example.com"];

        var id = await queue.EnqueueAsync(email);

        var row = await StoredEmails.ReadAsync(database, id);
        var stored = await StoredEmails.LoadMimeAsync(database, id);
        Assert.Equal(["secret@example.com", "hidden@example.com"], RecipientList.Split(row.Recipients));
        Assert.Empty(stored.Bcc);
        Assert.Empty(stored.To);
        Assert.DoesNotContain("secret@example.com", Encoding.ASCII.GetString(row.Mime));
        Assert.DoesNotContain("hidden@example.com", Encoding.ASCII.GetString(row.Mime));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_hide_bcc_from_other_recipients_and_leave_the_callers_message_intact_when_mixed(
        RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var queue = TestQueues.Create(database);
        var message = SampleMessages.Simple();
        message.Bcc.Add(new MailboxAddress("Audit", "audit@example.com"));

        var id = await queue.EnqueueAsync(message);

        var row = await StoredEmails.ReadAsync(database, id);
        Assert.Equal(["ann@example.com", "audit@example.com"], RecipientList.Split(row.Recipients));
        Assert.DoesNotContain("audit@example.com", Encoding.ASCII.GetString(row.Mime));
        Assert.Equal("audit@example.com", message.Bcc.Mailboxes.Single().Address);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_add_message_id_and_date_when_the_message_lacks_them(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var clock = TestQueues.NewClock();
        var queue = TestQueues.Create(database, clock: clock);
        var message = MimeMessage.Load(new MemoryStream(Encoding.ASCII.GetBytes(
            "From: shop@example.com\r\nTo: ann@example.com\r\nSubject: Bare\r\n\r\nHello\r\n")));
        Assert.Null(message.MessageId);

        var id = await queue.EnqueueAsync(message);

        var row = await StoredEmails.ReadAsync(database, id);
        var stored = await StoredEmails.LoadMimeAsync(database, id);
        Assert.False(string.IsNullOrEmpty(stored.MessageId));
        Assert.EndsWith("@example.com", stored.MessageId);
        Assert.Equal(stored.MessageId, row.MessageId);
        Assert.Equal(message.MessageId, row.MessageId);
        // The Date header has whole seconds.
        Assert.Equal(clock.GetUtcNow().ToUnixTimeSeconds(), stored.Date.ToUnixTimeSeconds());
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_keep_the_callers_message_id_and_date_when_present(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var queue = TestQueues.Create(database);
        var message = SampleMessages.Simple();
        message.MessageId = "order-42@shop.example.com";
        message.Date = new DateTimeOffset(2020, 5, 6, 7, 8, 9, TimeSpan.FromHours(2));

        var id = await queue.EnqueueAsync(message);

        var row = await StoredEmails.ReadAsync(database, id);
        var stored = await StoredEmails.LoadMimeAsync(database, id);
        Assert.Equal("order-42@shop.example.com", row.MessageId);
        Assert.Equal("order-42@shop.example.com", stored.MessageId);
        Assert.Equal(message.Date, stored.Date);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_use_the_default_from_when_the_message_has_none(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var queue = TestQueues.Create(database, o => o.DefaultFrom = "Shop <noreply@shop.example.com>");
        var email = SampleMessages.Outgoing();
        email.From = null;

        var id = await queue.EnqueueAsync(email);

        var row = await StoredEmails.ReadAsync(database, id);
        var stored = await StoredEmails.LoadMimeAsync(database, id);
        Assert.Equal("noreply@shop.example.com", row.EnvelopeFrom);
        Assert.Equal("Shop", stored.From.Mailboxes.Single().Name);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_use_the_sender_header_as_envelope_sender_when_present(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var queue = TestQueues.Create(database);
        var message = SampleMessages.Simple();
        message.Sender = new MailboxAddress("Bounces", "bounces@mail.example.com");

        var id = await queue.EnqueueAsync(message);

        Assert.Equal("bounces@mail.example.com", (await StoredEmails.ReadAsync(database, id)).EnvelopeFrom);
    }

    private static IEnumerable<Multipart> Multiparts(MimeEntity entity) =>
        entity is Multipart multipart ? multipart.SelectMany(Multiparts).Prepend(multipart) : [];
}
