using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using MimeKit;
using Npgsql;
using Relay.Shared.Queue;

namespace Relay.Client.Internal;

/// <summary>Checks <see cref="RelayQueueOptions"/> and names the configuration key of every problem.</summary>
internal sealed class RelayQueueOptionsValidator : IValidateOptions<RelayQueueOptions>
{
    private const string Prefix = RelayQueueOptions.SectionName + ":";

    public ValidateOptionsResult Validate(string? name, RelayQueueOptions options)
    {
        var failures = Check(options);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    public static void ThrowIfInvalid(RelayQueueOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = Check(options);
        if (failures.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(RelayQueueOptions), failures);
        }
    }

    private static List<string> Check(RelayQueueOptions options)
    {
        var failures = new List<string>();
        if (!Enum.IsDefined(options.Provider))
        {
            failures.Add($"{Prefix}Provider must be Sqlite or PostgreSql; it is {options.Provider}.");
        }
        else if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add($"{Prefix}ConnectionString is required: the ADO.NET connection string of the queue "
                + "database (for SQLite, for example Data Source=/var/lib/relay/queue.db).");
        }
        else if (ConnectionStringProblem(options.Provider, options.ConnectionString) is { } problem)
        {
            failures.Add($"{Prefix}ConnectionString is not a valid {options.Provider} connection string: {problem}");
        }

        if (string.IsNullOrWhiteSpace(options.Source))
        {
            failures.Add($"{Prefix}Source is required: a short name of this application (such as shop-web), "
                + "stored with every email it queues.");
        }

        if (!string.IsNullOrWhiteSpace(options.DefaultFrom) && !IsMailbox(options.DefaultFrom))
        {
            failures.Add($"{Prefix}DefaultFrom \"{options.DefaultFrom}\" is not an email address. Use "
                + "name@example.com or Name <name@example.com>.");
        }

        if (options.MaxMessageSize is <= 0 or > int.MaxValue)
        {
            failures.Add($"{Prefix}MaxMessageSize must be between 1 and {int.MaxValue} bytes; it is "
                + $"{options.MaxMessageSize}.");
        }

        return failures;
    }

    // Parser messages name the offending keyword, never a value, so they are safe to show.
    private static string? ConnectionStringProblem(RelayDatabaseProvider provider, string connectionString)
    {
        try
        {
            _ = provider == RelayDatabaseProvider.Sqlite
                ? new SqliteConnectionStringBuilder(connectionString).DataSource
                : new NpgsqlConnectionStringBuilder(connectionString).Host;
            return null;
        }
        catch (Exception error) when (error is ArgumentException or FormatException or InvalidOperationException)
        {
            return error.Message;
        }
    }

    private static bool IsMailbox(string value)
    {
        try
        {
            AddressRules.ParseMailbox(value, "DefaultFrom");
            return true;
        }
        catch (RelayEnqueueException)
        {
            return false;
        }
    }
}
