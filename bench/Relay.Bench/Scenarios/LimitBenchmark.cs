using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Relay.Bench.Infrastructure;

namespace Relay.Bench.Scenarios;

/// <summary>
/// The ceiling: MailKit sending prepared messages straight to the sink over K connections, no
/// database. Timed from the first send to the sink's last acceptance.
/// </summary>
internal static class LimitBenchmark
{
    public static async Task<LimitResult> RunAsync(BenchContext context, int connections, string runName)
    {
        var settings = context.Settings;
        var ct = context.Cancellation;
        var clients = new List<SmtpClient>();
        try
        {
            for (var i = 0; i < connections; i++)
            {
                var client = new SmtpClient { Timeout = 60_000 };
                await client.ConnectAsync(context.Sink.Host, context.Sink.Port, SecureSocketOptions.None, ct);
                clients.Add(client);
            }

            var warm = context.Sink.Track($"{runName}warm", settings.WarmUp);
            await SendAllAsync(clients, Prepare(warm, settings.WarmUp), ct);
            await warm.WaitCompleteAsync(TimeSpan.FromMinutes(2), ct);

            var run = context.Sink.Track(runName, settings.Messages);
            var messages = Prepare(run, settings.Messages);
            var cpu = context.MeasureCpu();
            var start = BenchContext.NowMicros();
            await SendAllAsync(clients, messages, ct);
            await run.WaitCompleteAsync(TimeSpan.FromMinutes(5), ct);
            var seconds = (run.LastMicros - start) / 1e6;
            return new LimitResult(connections, settings.Messages, settings.Messages / seconds, seconds, cpu.Stop());
        }
        finally
        {
            foreach (var client in clients)
            {
                if (client.IsConnected)
                {
                    await client.DisconnectAsync(quit: true, CancellationToken.None);
                }

                client.Dispose();
            }
        }
    }

    private static MimeMessage[] Prepare(SinkRun run, int count) =>
        Enumerable.Range(0, count).Select(i => BenchMail.Message(run.Marker(i))).ToArray();

    private static Task SendAllAsync(IReadOnlyList<SmtpClient> clients, MimeMessage[] messages, CancellationToken ct)
    {
        var next = -1;
        return Task.WhenAll(clients.Select(client => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < messages.Length)
            {
                await client.SendAsync(messages[index], ct);
            }
        }, ct)));
    }
}

internal sealed record LimitResult(int Connections, int Messages, double Rate, double Seconds, CpuUse Cpu);
