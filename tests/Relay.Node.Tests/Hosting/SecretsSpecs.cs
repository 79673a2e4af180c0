using Npgsql;
using Relay.DevSmtp;
using Relay.Shared.Queue;
using Relay.TestKit;
using Xunit.Abstractions;

namespace Relay.Node.Tests.Hosting;

public sealed class SecretsSpecs : Akka.TestKit.Xunit2.TestKit
{
    private const string SmtpPassword = "smtp-Secret-4711";
    private const string DatabasePassword = "db-Secret-0815";

    public SecretsSpecs(ITestOutputHelper output)
        : base(output: output)
    {
    }

    [Fact]
    public async Task Should_never_log_the_smtp_or_database_password_even_at_debug_level()
    {
        var created = await TestDatabases.CreateAsync(RelayDatabaseProvider.PostgreSql);
        // The throwaway server trusts local connections, so the password is carried but unused.
        var withPassword = new NpgsqlConnectionStringBuilder(created.ConnectionString) { Password = DatabasePassword };
        var database = new RelayDatabase(RelayDatabaseProvider.PostgreSql, withPassword.ConnectionString);
        await using var smtp = new DevSmtpServer(new DevSmtpOptions
        {
            RequireStartTls = true,
            RequireAuthUser = "relay",
            RequireAuthPassword = "another-password",
        });
        await smtp.StartAsync();
        await TestEmails.InsertAsync(database, [TestEmails.Build()]);
        var logs = new CollectingLoggerProvider();

        await using (var node = await RelayNodeHost.StartAsync(database, smtp, s =>
        {
            s["Relay:Smtp:Security"] = "StartTls";
            s["Relay:Smtp:AcceptAnyCertificate"] = "true";
            s["Relay:Smtp:Username"] = "relay";
            s["Relay:Smtp:Password"] = SmtpPassword;
        }, logs: logs))
        {
            await AwaitAssertAsync(() => Assert.Contains(logs.Lines, l => l.Contains("backing off")));
        }

        Assert.NotEmpty(logs.Lines);
        Assert.DoesNotContain(logs.Lines, l => l.Contains(SmtpPassword) || l.Contains(DatabasePassword));
    }
}
