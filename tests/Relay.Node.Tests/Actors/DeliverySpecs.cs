using Relay.DevSmtp;
using Relay.Shared.Queue;
using Relay.TestKit;
using Xunit.Abstractions;

namespace Relay.Node.Tests.Actors;

/// <summary>Each SMTP outcome, end to end: queue row → real node → real SMTP server → stored outcome.</summary>
public sealed class DeliverySpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    public DeliverySpecs(ITestOutputHelper output)
        : base(output: output)
    {
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_mark_sent_with_one_attempt_when_the_server_accepts(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        await using var smtp = await StartSmtpAsync();
        var rows = Enumerable.Range(0, 20).Select(i => TestEmails.Build(to: $"user{i}@example.com")).ToList();
        await TestEmails.InsertAsync(database, rows);

        await using var node = await RelayNodeHost.StartAsync(database, smtp, senders: 2);

        await AwaitAssertAsync(
            async () => Assert.Equal(20, await QueueAssertions.CountAsync(database, EmailStatus.Sent)), Patience);
        var row = await QueueAssertions.RowAsync(database, rows[0].Id);
        Assert.Equal((1, (string?)null, (string?)null), (row.Attempts, row.LeaseOwner, row.LastError));
        Assert.NotNull(row.SentAt);
        var attempt = Assert.Single(await QueueAssertions.AttemptsAsync(database, rows[0].Id));
        Assert.Equal(
            (AttemptOutcome.Delivered, 250, node.NodeName),
            (attempt.Outcome, attempt.SmtpCode ?? 0, attempt.Node));
        Assert.Equal(20, smtp.MessageCount);
        Assert.All(rows, r => Assert.Equal(1, smtp.CountFor(RecipientList.Split(r.Recipients)[0])));
        Assert.True(smtp.SessionCount <= 2, $"connections are reused: {smtp.SessionCount} sessions for 2 senders");
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_deliver_to_the_others_and_record_the_refusal_when_one_recipient_gets_550(
        RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        await using var smtp = await StartSmtpAsync();
        smtp.Script.RejectRecipient("gone@example.com", 550, "5.1.1 no such user");
        var row = TestEmails.Build(to: "ann@example.com", moreRecipients: ["gone@example.com"]);
        await TestEmails.InsertAsync(database, [row]);

        await using var node = await RelayNodeHost.StartAsync(database, smtp);

        var stored = await AwaitStatusAsync(database, row.Id, EmailStatus.Sent);
        var rejected = Assert.Single(RejectedRecipientList.Parse(stored.RejectedRecipients));
        Assert.Equal(("gone@example.com", 550), (rejected.Address, rejected.SmtpCode));
        Assert.Contains("no such user", rejected.Reply);
        Assert.Equal(1, smtp.CountFor("ann@example.com"));
        Assert.Equal(0, smtp.CountFor("gone@example.com"));
        Assert.Equal(
            AttemptOutcome.PartiallyDelivered,
            Assert.Single(await QueueAssertions.AttemptsAsync(database, row.Id)).Outcome);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_fail_with_the_reply_when_every_recipient_gets_550(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        await using var smtp = await StartSmtpAsync();
        smtp.Script.RejectRecipient("gone@example.com", 550, "5.1.1 no such user");
        var row = TestEmails.Build(to: "gone@example.com");
        await TestEmails.InsertAsync(database, [row]);

        await using var node = await RelayNodeHost.StartAsync(database, smtp);

        var stored = await AwaitStatusAsync(database, row.Id, EmailStatus.Failed);
        Assert.Equal(1, stored.Attempts);
        Assert.Contains("550", stored.LastError);
        Assert.Equal("gone@example.com", Assert.Single(RejectedRecipientList.Parse(stored.RejectedRecipients)).Address);
        Assert.Equal(0, smtp.MessageCount);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_retry_only_the_refused_recipient_when_one_gets_450_and_nobody_receives_twice(
        RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        await using var smtp = await StartSmtpAsync();
        smtp.Script.RejectRecipient("busy@example.com", 450, "4.2.1 mailbox busy");
        var row = TestEmails.Build(to: "ann@example.com", moreRecipients: ["busy@example.com"]);
        await TestEmails.InsertAsync(database, [row]);
        await using var node = await RelayNodeHost.StartAsync(database, smtp, SlowRetry);

        var deferred = await AwaitStatusAsync(database, row.Id, EmailStatus.Deferred);
        Assert.Equal(("busy@example.com", 1), (deferred.PendingRecipients, deferred.Attempts));
        smtp.Script.Reset();

        var sent = await AwaitStatusAsync(database, row.Id, EmailStatus.Sent);
        Assert.Equal(2, sent.Attempts);
        Assert.Equal(1, smtp.CountFor("ann@example.com"));
        Assert.Equal(1, smtp.CountFor("busy@example.com"));
        Assert.Equal(
            [AttemptOutcome.PartiallyDelivered, AttemptOutcome.Delivered],
            (await QueueAssertions.AttemptsAsync(database, row.Id)).Select(a => a.Outcome));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_defer_then_deliver_when_data_gets_451_once(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        await using var smtp = await StartSmtpAsync();
        smtp.Script.RejectData(451, "4.3.0 try again later", times: 1);
        var row = TestEmails.Build();
        await TestEmails.InsertAsync(database, [row]);

        await using var node = await RelayNodeHost.StartAsync(database, smtp);

        var sent = await AwaitStatusAsync(database, row.Id, EmailStatus.Sent);
        Assert.Equal(2, sent.Attempts);
        var attempts = await QueueAssertions.AttemptsAsync(database, row.Id);
        Assert.Equal([(AttemptOutcome.Deferred, 451), (AttemptOutcome.Delivered, 250)],
            attempts.Select(a => (a.Outcome, a.SmtpCode ?? 0)));
        Assert.Equal(1, smtp.MessageCount);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_fail_saying_why_when_451_outlasts_the_maximum_attempts(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        await using var smtp = await StartSmtpAsync();
        smtp.Script.RejectData(451, "4.3.0 try again later");
        var row = TestEmails.Build();
        await TestEmails.InsertAsync(database, [row]);

        await using var node = await RelayNodeHost.StartAsync(
            database,
            smtp,
            s => s["Relay:Delivery:MaxAttempts"] = "3");

        var failed = await AwaitStatusAsync(database, row.Id, EmailStatus.Failed);
        Assert.Equal(3, failed.Attempts);
        Assert.Contains("gave up after 3 attempts", failed.LastError);
        Assert.Equal(3, (await QueueAssertions.AttemptsAsync(database, row.Id)).Count);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_fail_with_the_reply_when_data_gets_554(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        await using var smtp = await StartSmtpAsync();
        smtp.Script.RejectData(554, "5.7.1 message refused");
        var row = TestEmails.Build();
        await TestEmails.InsertAsync(database, [row]);

        await using var node = await RelayNodeHost.StartAsync(database, smtp);

        var failed = await AwaitStatusAsync(database, row.Id, EmailStatus.Failed);
        Assert.Equal(1, failed.Attempts);
        Assert.Contains("554", failed.LastError);
        Assert.Contains("message refused", failed.LastError);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_fail_with_the_reply_when_mail_from_gets_550(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        await using var smtp = await StartSmtpAsync();
        smtp.Script.RejectSender("app@example.com", 550, "5.7.1 sender not allowed");
        var row = TestEmails.Build();
        await TestEmails.InsertAsync(database, [row]);

        await using var node = await RelayNodeHost.StartAsync(database, smtp);

        var failed = await AwaitStatusAsync(database, row.Id, EmailStatus.Failed);
        Assert.Contains("MAIL FROM", failed.LastError);
        Assert.Contains("sender not allowed", failed.LastError);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_requeue_without_using_an_attempt_when_the_connection_drops_before_data(
        RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        await using var smtp = await StartSmtpAsync();
        smtp.Script.DropConnectionAtRecipient("ann@example.com", times: 3);
        var row = TestEmails.Build(to: "ann@example.com");
        await TestEmails.InsertAsync(database, [row]);

        await using var node = await RelayNodeHost.StartAsync(database, smtp, senders: 1);

        var sent = await AwaitStatusAsync(database, row.Id, EmailStatus.Sent);
        Assert.Equal(1, sent.Attempts);
        Assert.Equal(
            AttemptOutcome.Delivered,
            Assert.Single(await QueueAssertions.AttemptsAsync(database, row.Id)).Outcome);
        Assert.Equal(1, smtp.MessageCount);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_defer_and_record_a_possible_delivery_when_the_connection_drops_after_the_dot(
        RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        await using var smtp = await StartSmtpAsync();
        smtp.Script.DropConnectionAfterData(times: 1);
        var row = TestEmails.Build();
        await TestEmails.InsertAsync(database, [row]);

        await using var node = await RelayNodeHost.StartAsync(database, smtp, SlowRetry);

        var deferred = await AwaitStatusAsync(database, row.Id, EmailStatus.Deferred);
        Assert.Equal(1, deferred.Attempts);
        Assert.Contains("may have been delivered", deferred.LastError);
        Assert.Equal(
            AttemptOutcome.PossiblyDelivered,
            Assert.Single(await QueueAssertions.AttemptsAsync(database, row.Id)).Outcome);
        await AwaitStatusAsync(database, row.Id, EmailStatus.Sent);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_deliver_over_starttls_with_auth_when_the_server_requires_both(
        RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        await using var smtp = await StartSmtpAsync(new DevSmtpOptions
        {
            RequireStartTls = true,
            RequireAuthUser = "relay",
            RequireAuthPassword = "s3cret-pass",
        });
        var row = TestEmails.Build();
        await TestEmails.InsertAsync(database, [row]);

        await using var node = await RelayNodeHost.StartAsync(database, smtp, StartTlsWithAuth("s3cret-pass"));

        await AwaitStatusAsync(database, row.Id, EmailStatus.Sent);
        Assert.Equal(1, smtp.MessageCount);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_keep_the_email_queued_without_attempts_when_authentication_fails(
        RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        await using var smtp = await StartSmtpAsync(new DevSmtpOptions
        {
            RequireStartTls = true,
            RequireAuthUser = "relay",
            RequireAuthPassword = "right",
        });
        var row = TestEmails.Build();
        await TestEmails.InsertAsync(database, [row]);

        await using var node = await RelayNodeHost.StartAsync(database, smtp, StartTlsWithAuth("wrong"));

        await AwaitAssertAsync(() => Assert.True(smtp.SessionCount >= 3, "the sender keeps retrying"), Patience);
        var stored = await QueueAssertions.RowAsync(database, row.Id);
        Assert.Equal((EmailStatus.Queued, 0), (stored.Status, stored.Attempts));
        Assert.Equal(0, smtp.MessageCount);
    }

    [Theory]
    [InlineData("Relay:Smtp:Security", "StartTls")]
    [InlineData("Relay:Smtp:Username", "relay")]
    public async Task Should_back_off_instead_of_crashing_when_the_server_lacks_a_required_extension(
        string key, string value)
    {
        var database = await TestDatabases.CreateAsync(RelayDatabaseProvider.Sqlite);
        await using var smtp = await StartSmtpAsync();
        var row = TestEmails.Build();
        await TestEmails.InsertAsync(database, [row]);
        var logs = new CollectingLoggerProvider();

        await using (var node = await RelayNodeHost.StartAsync(database, smtp, s =>
        {
            s[key] = value;
            s["Relay:Smtp:Password"] = "secret";
            s["Relay:Smtp:MinBackoff"] = "00:00:01";
            s["Relay:Smtp:MaxBackoff"] = "00:00:02";
        }, senders: 1, logs: logs))
        {
            await AwaitAssertAsync(() => Assert.True(smtp.SessionCount >= 2, "the sender retries"), Patience);
        }

        Assert.InRange(smtp.SessionCount, 2, 10);
        Assert.Single(logs.Lines, l => l.Contains("backing off"));
        Assert.DoesNotContain(logs.Lines, l => l.StartsWith("Error", StringComparison.Ordinal));
        Assert.Equal(EmailStatus.Queued, (await QueueAssertions.RowAsync(database, row.Id)).Status);
    }

    [Fact]
    public async Task Should_deliver_over_tls_on_connect()
    {
        var database = await TestDatabases.CreateAsync(RelayDatabaseProvider.Sqlite);
        await using var smtp = await StartSmtpAsync(new DevSmtpOptions { TlsOnConnect = true });
        var row = TestEmails.Build();
        await TestEmails.InsertAsync(database, [row]);

        await using var node = await RelayNodeHost.StartAsync(database, smtp, s =>
        {
            s["Relay:Smtp:Security"] = "TlsOnConnect";
            s["Relay:Smtp:AcceptAnyCertificate"] = "true";
        });

        await AwaitStatusAsync(database, row.Id, EmailStatus.Sent);
    }

    [Fact]
    public async Task Should_refuse_an_untrusted_certificate_unless_told_to_accept_it()
    {
        var database = await TestDatabases.CreateAsync(RelayDatabaseProvider.Sqlite);
        await using var smtp = await StartSmtpAsync(new DevSmtpOptions { RequireStartTls = true });
        var row = TestEmails.Build();
        await TestEmails.InsertAsync(database, [row]);

        await using var node = await RelayNodeHost.StartAsync(
            database,
            smtp,
            s => s["Relay:Smtp:Security"] = "StartTls");

        await AwaitAssertAsync(() => Assert.True(smtp.SessionCount >= 2, "the sender keeps retrying"), Patience);
        var stored = await QueueAssertions.RowAsync(database, row.Id);
        Assert.Equal((EmailStatus.Queued, 0), (stored.Status, stored.Attempts));
        Assert.Equal(0, smtp.MessageCount);
    }

    [Fact]
    public async Task Should_reconnect_without_backing_off_when_the_server_closed_an_idle_connection()
    {
        var database = await TestDatabases.CreateAsync(RelayDatabaseProvider.Sqlite);
        await using var smtp = await StartSmtpAsync();
        var first = TestEmails.Build(to: "first@example.com");
        await TestEmails.InsertAsync(database, [first]);
        await using var node = await RelayNodeHost.StartAsync(database, smtp, senders: 1);
        await AwaitStatusAsync(database, first.Id, EmailStatus.Sent);

        // The server goes away and comes back: the sender's open connection is now dead.
        smtp.Script.RefuseConnections(true);
        smtp.Script.RefuseConnections(false);
        var second = TestEmails.Build(to: "second@example.com");
        await TestEmails.InsertAsync(database, [second]);

        var sent = await AwaitStatusAsync(database, second.Id, EmailStatus.Sent);
        Assert.Equal(1, sent.Attempts);
        Assert.Equal(2, smtp.SessionCount);
    }

    [Fact]
    public async Task Should_defer_as_possibly_delivered_when_the_reply_to_the_data_times_out()
    {
        var database = await TestDatabases.CreateAsync(RelayDatabaseProvider.Sqlite);
        await using var smtp = await StartSmtpAsync();
        smtp.Script.DelayDataReply(TimeSpan.FromSeconds(3));
        var row = TestEmails.Build();
        await TestEmails.InsertAsync(database, [row]);

        await using var node = await RelayNodeHost.StartAsync(database, smtp, s =>
        {
            s["Relay:Smtp:CommandTimeout"] = "00:00:01";
            SlowRetry(s);
        });

        var deferred = await AwaitStatusAsync(database, row.Id, EmailStatus.Deferred);
        Assert.Contains("may have been delivered", deferred.LastError);
        Assert.Equal(
            AttemptOutcome.PossiblyDelivered,
            Assert.Single(await QueueAssertions.AttemptsAsync(database, row.Id)).Outcome);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_deliver_when_the_server_answers_slowly_within_the_timeout(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        await using var smtp = await StartSmtpAsync();
        smtp.Script.DelayDataReply(TimeSpan.FromSeconds(1));
        var row = TestEmails.Build();
        await TestEmails.InsertAsync(database, [row]);

        await using var node = await RelayNodeHost.StartAsync(database, smtp);

        var sent = await AwaitStatusAsync(database, row.Id, EmailStatus.Sent);
        Assert.Equal(1, sent.Attempts);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_claim_high_priority_mail_before_a_low_priority_backlog(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        await using var smtp = await StartSmtpAsync();
        var low = Enumerable.Range(0, 30)
            .Select(i => TestEmails.Build(to: $"low{i}@example.com", priority: EmailPriority.Low));
        var high = TestEmails.Build(to: "high@example.com", priority: EmailPriority.High);
        var normal = TestEmails.Build(to: "normal@example.com");
        await TestEmails.InsertAsync(database, [.. low, normal, high]);

        await using var node = await RelayNodeHost.StartAsync(
            database,
            smtp,
            s => s["Relay:Smtp:SenderCapacity"] = "1",
            senders: 1);

        await smtp.WaitForMessagesAsync(32, Patience);
        var order = smtp.Messages.Select(m => m.Recipients[0]).ToList();
        Assert.Equal(["high@example.com", "normal@example.com"], order.Take(2));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_fail_an_expired_email_without_sending_it(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        await using var smtp = await StartSmtpAsync();
        var row = TestEmails.Build();
        row.ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeMilliseconds();
        await TestEmails.InsertAsync(database, [row]);

        await using var node = await RelayNodeHost.StartAsync(database, smtp);

        var failed = await AwaitStatusAsync(database, row.Id, EmailStatus.Failed);
        Assert.Contains("expired", failed.LastError);
        Assert.Equal(0, smtp.MessageCount);
    }

    private static Action<Dictionary<string, string?>> StartTlsWithAuth(string password) => settings =>
    {
        settings["Relay:Smtp:Security"] = "StartTls";
        settings["Relay:Smtp:AcceptAnyCertificate"] = "true";
        settings["Relay:Smtp:Username"] = "relay";
        settings["Relay:Smtp:Password"] = password;
    };

    private static void SlowRetry(Dictionary<string, string?> settings)
    {
        // Long enough to observe the deferred state before the retry.
        settings["Relay:Delivery:MinRetryDelay"] = "00:00:01";
        settings["Relay:Delivery:MaxRetryDelay"] = "00:00:02";
    }

    private static async Task<DevSmtpServer> StartSmtpAsync(DevSmtpOptions? options = null)
    {
        var smtp = new DevSmtpServer(options);
        await smtp.StartAsync();
        return smtp;
    }

    private async Task<EmailRow> AwaitStatusAsync(RelayDatabase database, Guid id, EmailStatus status)
    {
        EmailRow? row = null;
        await AwaitAssertAsync(
            async () =>
            {
                row = await QueueAssertions.RowAsync(database, id);
                Assert.Equal(status, row.Status);
            },
            Patience,
            TimeSpan.FromMilliseconds(50));
        return row!;
    }
}
