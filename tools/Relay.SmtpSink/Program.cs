using System.Globalization;
using System.Runtime.InteropServices;
using Relay.DevSmtp;
using Relay.SmtpSink;

// A DevSmtp server as a process, for benchmarks and manual runs. stdout carries only
// "listening 127.0.0.1:<port>", "received <n>" and (with --stamp) "accepted <value> <unix-us>"
// lines so scripts can parse it.
const string Usage = "usage: Relay.SmtpSink [--port N] [--save DIR] [--count-only] [--ignore-stdin] "
    + "[--stamp HEADER]";

var options = new DevSmtpOptions();
var watchStdin = true;
string? stampHeader = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--port" when i + 1 < args.Length
            && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var port):
            options.Port = port;
            i++;
            break;
        case "--save" when i + 1 < args.Length:
            options.SaveDirectory = args[++i];
            break;
        case "--count-only":
            options.KeepMessages = false;
            break;
        case "--ignore-stdin":
            // A background job (`cmd &`) gets /dev/null as stdin, which is closed at once.
            watchStdin = false;
            break;
        case "--stamp" when i + 1 < args.Length:
            stampHeader = args[++i];
            break;
        case "--help" or "-h":
            Console.WriteLine(Usage);
            return 0;
        default:
            Console.Error.WriteLine($"unknown or incomplete argument '{args[i]}'");
            Console.Error.WriteLine(Usage);
            return 2;
    }
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});

await using var output = new SinkOutput();
await using var server = new DevSmtpServer(options);
if (stampHeader is not null)
{
    // One line per accepted message: the marker header's value ("-" when absent) and the time the
    // final dot arrived, in Unix microseconds, so a benchmark can time each message end to end.
    var marker = new MarkerHeader(stampHeader);
    server.MessageAccepted += message =>
    {
        var value = marker.Find(message.Data) ?? "-";
        var micros = (message.ReceivedAt - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"accepted {value} {micros}"));
    };
}

await server.StartAsync(stop.Token);
output.WriteLine($"listening {server.Host}:{server.Port}");

if (watchStdin)
{
    _ = Task.Run(async () =>
    {
        await using var stdin = Console.OpenStandardInput();
        await stdin.CopyToAsync(Stream.Null);
        stop.Cancel();
    });
}

var reported = 0;
using var ticks = new PeriodicTimer(TimeSpan.FromSeconds(1));
try
{
    while (await ticks.WaitForNextTickAsync(stop.Token))
    {
        reported = Report(server, output, reported);
    }
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    // Ctrl+C, SIGTERM or stdin closed: report the last count and stop.
}

Report(server, output, reported);
return 0;

static int Report(DevSmtpServer server, SinkOutput output, int reported)
{
    var count = server.MessageCount;
    if (count != reported)
    {
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"received {count}"));
    }

    return count;
}
