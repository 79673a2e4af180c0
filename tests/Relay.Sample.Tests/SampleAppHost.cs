using LinqToDB;
using LinqToDB.Async;
using Microsoft.AspNetCore.Builder;
using Relay.Shared.Queue;

namespace Relay.Sample.Tests;

/// <summary>
/// The sample app started for real, as <c>dotnet run</c> would, on a free loopback port and a fresh
/// SQLite database of its own.
/// </summary>
internal sealed class SampleAppHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _databaseFile;

    private SampleAppHost(WebApplication app, string databaseFile, HttpClient client)
    {
        _app = app;
        _databaseFile = databaseFile;
        Client = client;
        Database = new RelayDatabase(RelayDatabaseProvider.Sqlite, $"Data Source={databaseFile}");
    }

    public HttpClient Client { get; }

    /// <summary>The database the app writes its orders and the queue to.</summary>
    public RelayDatabase Database { get; }

    public static async Task<SampleAppHost> StartAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "relay-sample-tests");
        Directory.CreateDirectory(folder);
        var databaseFile = Path.Combine(folder, $"{Guid.NewGuid():N}.db");

        // Ports are shared with other processes on the build machines: let the OS pick one.
        var app = await SampleApp.CreateAsync(
        [
            "--urls=http://127.0.0.1:0",
            $"--Relay:Queue:ConnectionString=Data Source={databaseFile};Default Timeout=30",
        ]);
        await app.StartAsync();
        var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()), Timeout = TimeSpan.FromSeconds(30) };
        return new SampleAppHost(app, databaseFile, client);
    }

    public async Task<int> CountOrdersAsync()
    {
        await using var db = Database.Connect();
        return await db.GetTable<Order>().CountAsync();
    }

    public async Task<List<EmailRow>> ReadEmailsAsync()
    {
        await using var db = Database.Connect();
        return await db.Emails.ToListAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(_databaseFile + suffix);
        }
    }
}
