using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace Relay.DevSmtp.Tests;

public sealed class DevSmtpSecuritySpecs
{
    [Fact]
    public async Task Should_deliver_over_tls_when_starttls_is_required_and_the_client_upgrades()
    {
        await using var server = await TestMail.StartAsync(new DevSmtpOptions { RequireStartTls = true });
        using var client = await TestMail.ConnectAsync(server, SecureSocketOptions.StartTls);

        await client.SendAsync(TestMail.Message("sender@example.com", "a@example.com"));

        Assert.True(client.IsSecure);
        Assert.Equal(1, server.MessageCount);
    }

    [Fact]
    public async Task Should_refuse_mail_with_530_when_starttls_is_required_and_the_client_stays_plain()
    {
        await using var server = await TestMail.StartAsync(new DevSmtpOptions { RequireStartTls = true });
        using var client = await TestMail.ConnectAsync(server, SecureSocketOptions.None);

        var error = await Record.ExceptionAsync(() =>
            client.SendAsync(TestMail.Message("sender@example.com", "a@example.com")));

        Assert.True(client.Capabilities.HasFlag(SmtpCapabilities.StartTLS));
        Assert.NotNull(error);
        Assert.True(
            error is ServiceNotAuthenticatedException
                || error is SmtpCommandException { StatusCode: SmtpStatusCode.AuthenticationRequired },
            $"Unexpected {error}");
        Assert.Equal(0, server.MessageCount);
    }

    [Fact]
    public async Task Should_deliver_when_tls_is_on_connect()
    {
        await using var server = await TestMail.StartAsync(new DevSmtpOptions { TlsOnConnect = true });
        using var client = await TestMail.ConnectAsync(server, SecureSocketOptions.SslOnConnect);

        await client.SendAsync(TestMail.Message("sender@example.com", "a@example.com"));

        Assert.True(client.IsSecure);
        Assert.Equal(1, server.MessageCount);
    }

    [Fact]
    public async Task Should_reject_the_self_signed_certificate_when_the_client_validates_normally()
    {
        await using var server = await TestMail.StartAsync(new DevSmtpOptions { TlsOnConnect = true });
        using var client = new SmtpClient { Timeout = (int)TestMail.ClientTimeout.TotalMilliseconds };
        client.CheckCertificateRevocation = false;

        var error = await Record.ExceptionAsync(() =>
            client.ConnectAsync(server.Host, server.Port, SecureSocketOptions.SslOnConnect));

        Assert.IsType<SslHandshakeException>(error);
    }

    [Theory]
    [InlineData(SecureSocketOptions.None)]
    [InlineData(SecureSocketOptions.StartTls)]
    public async Task Should_deliver_when_auth_is_required_and_the_password_is_right(SecureSocketOptions security)
    {
        await using var server = await TestMail.StartAsync(AuthOptions(
            requireStartTls: security == SecureSocketOptions.StartTls));
        using var client = await TestMail.ConnectAsync(server, security);

        await client.AuthenticateAsync("relay", "s3cret");
        await client.SendAsync(TestMail.Message("sender@example.com", "a@example.com"));

        Assert.Equal(1, server.MessageCount);
    }

    [Fact]
    public async Task Should_throw_authentication_exception_when_the_password_is_wrong()
    {
        await using var server = await TestMail.StartAsync(AuthOptions());
        using var client = await TestMail.ConnectAsync(server);

        await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync("relay", "wrong"));

        Assert.Equal(0, server.MessageCount);
    }

    [Fact]
    public async Task Should_refuse_mail_when_auth_is_required_and_the_client_does_not_authenticate()
    {
        await using var server = await TestMail.StartAsync(AuthOptions());
        using var client = await TestMail.ConnectAsync(server);

        var error = await Record.ExceptionAsync(() =>
            client.SendAsync(TestMail.Message("sender@example.com", "a@example.com")));

        Assert.True(client.Capabilities.HasFlag(SmtpCapabilities.Authentication));
        Assert.NotNull(error);
        Assert.True(
            error is ServiceNotAuthenticatedException
                || error is SmtpCommandException { StatusCode: SmtpStatusCode.AuthenticationRequired },
            $"Unexpected {error}");
        Assert.Equal(0, server.MessageCount);
    }

    private static DevSmtpOptions AuthOptions(bool requireStartTls = false) => new()
    {
        RequireAuthUser = "relay",
        RequireAuthPassword = "s3cret",
        RequireStartTls = requireStartTls,
    };
}
