using System.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Relay.Client;
using Relay.Demo;
using Relay.DevSmtp;
using Relay.Shared.Queue;
using Relay.Shared.Schema;

// The whole relay on one machine: a SQLite queue, a local SMTP server that stores .eml files, about a
// thousand emails queued through IRelayQueue, and the real node delivering them.
var workspace = DemoWorkspace.Prepare(Path.Combine(Environment.CurrentDirectory, ".relay-demo"));
Console.WriteLine($"EmailRelay demo, working folder {workspace.Root}");

await using var smtp = new DevSmtpServer(new DevSmtpOptions
{
    SaveDirectory = workspace.MailDirectory,
    KeepMessages = false,
});
smtp.Script.RejectRecipient(DemoEmails.RefusedAddress, 550, "No such user here");
await smtp.StartAsync();
Console.WriteLine($"SMTP server listening on {smtp.Host}:{smtp.Port}, refusing {DemoEmails.RefusedAddress}");

var database = new RelayDatabase(RelayDatabaseProvider.Sqlite, workspace.ConnectionString);
var version = await RelaySchema.MigrateAsync(database);
Console.WriteLine($"Queue {workspace.DatabaseFile} created (schema version {version})");

using var host = DemoHost.Build(args, database, smtp);
var drainTimeout = host.Services.GetRequiredService<IConfiguration>()
    .GetValue("Demo:DrainTimeout", TimeSpan.FromMinutes(3));
var queue = host.Services.GetRequiredService<IRelayQueue>();
Console.WriteLine($"Queueing {DemoEmails.Total:N0} emails ({DemoEmails.FullyRefusedCount} to a refused recipient, "
    + $"{DemoEmails.PartlyRefusedCount} to a refused and a good one)...");
var queueing = Stopwatch.StartNew();
await DemoEmails.EnqueueAsync(queue, CancellationToken.None);
queueing.Stop();

Console.WriteLine("Starting the relay node (4 SMTP connections); it logs an error for each refused email...");
var delivery = Stopwatch.StartNew();
await host.StartAsync();
var stopping = host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
QueueCounts counts;
try
{
    var watcher = new DrainWatcher(database, Console.Out);
    counts = await watcher.WaitUntilDrainedAsync(delivery, drainTimeout, stopping);
    delivery.Stop();
}
catch (Exception error) when (error is TimeoutException or OperationCanceledException)
{
    var timedOut = error is TimeoutException;
    await Console.Error.WriteLineAsync($"ERROR: {(timedOut ? error.Message : "Stopped before the queue was empty.")}");
    await host.StopAsync();
    return timedOut ? 1 : 130;
}

await host.StopAsync();
var summary = await DemoSummary.CollectAsync(database, counts, workspace, CancellationToken.None);
summary.Print(Console.Out, DemoEmails.Total, queueing.Elapsed, delivery.Elapsed);
if (!summary.Succeeded)
{
    await Console.Error.WriteLineAsync("ERROR: some emails were not delivered for another reason than a refusal.");
    return 1;
}

return 0;
