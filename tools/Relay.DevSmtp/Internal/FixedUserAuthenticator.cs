using SmtpServer;
using SmtpServer.Authentication;

namespace Relay.DevSmtp.Internal;

/// <summary>Accepts exactly one user name and password.</summary>
internal sealed class FixedUserAuthenticator : IUserAuthenticator
{
    private readonly string _user;
    private readonly string _password;

    public FixedUserAuthenticator(string user, string password)
    {
        _user = user;
        _password = password;
    }

    public Task<bool> AuthenticateAsync(
        ISessionContext context,
        string user,
        string password,
        CancellationToken cancellationToken) =>
        Task.FromResult(string.Equals(user, _user, StringComparison.Ordinal)
            && string.Equals(password, _password, StringComparison.Ordinal));
}
