using System.Text;
using System.Threading.Channels;

namespace Relay.SmtpSink;

/// <summary>
/// The sink's stdout: lines from any thread, written in order by one task and flushed whenever the
/// queue runs dry, so a line per message costs no syscall per message under load.
/// </summary>
internal sealed class SinkOutput : IAsyncDisposable
{
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>(
        new UnboundedChannelOptions { SingleReader = true });
    private readonly StreamWriter _stdout = new(Console.OpenStandardOutput(), new UTF8Encoding(false), 1 << 16)
    {
        AutoFlush = false,
        NewLine = "\n",
    };
    private readonly Task _writing;

    public SinkOutput()
    {
        _writing = Task.Run(WriteAsync);
    }

    public void WriteLine(string line) => _lines.Writer.TryWrite(line);

    public async ValueTask DisposeAsync()
    {
        _lines.Writer.TryComplete();
        await _writing.ConfigureAwait(false);
        await _stdout.DisposeAsync().ConfigureAwait(false);
    }

    private async Task WriteAsync()
    {
        var reader = _lines.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out var line))
            {
                await _stdout.WriteLineAsync(line).ConfigureAwait(false);
            }

            await _stdout.FlushAsync().ConfigureAwait(false);
        }
    }
}
