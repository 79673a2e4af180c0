using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace Relay.Bench.Infrastructure;

/// <summary>
/// tools/Relay.SmtpSink as a separate process, started with <c>--stamp X-Bench-Id</c>: every
/// accepted message reports its marker and the time its final dot arrived. Markers are
/// <c>&lt;run&gt;-&lt;n&gt;</c>; a <see cref="SinkRun"/> collects the acceptances of one run.
/// </summary>
internal sealed class SinkProcess : IAsyncDisposable
{
    public const string MarkerHeader = "X-Bench-Id";

    private readonly Process _process;
    private readonly ConcurrentDictionary<string, SinkRun> _runs = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource<int> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _reading;
    private long _accepted;

    private SinkProcess(Process process)
    {
        _process = process;
        _reading = Task.Run(ReadAsync);
    }

    public string Host => "127.0.0.1";

    public int Port { get; private set; }

    public int ProcessId => _process.Id;

    /// <summary>Every message the sink accepted, marked or not.</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    public static async Task<SinkProcess> StartAsync(string sinkDll, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = false,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
                 { sinkDll, "--port", "0", "--count-only", "--ignore-stdin", "--stamp", MarkerHeader })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the SMTP sink");
        var sink = new SinkProcess(process);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        sink.Port = await sink._listening.Task.WaitAsync(timeout.Token);
        return sink;
    }

    /// <summary>Starts collecting the acceptances of the markers <c>&lt;run&gt;-*</c>.</summary>
    public SinkRun Track(string run, int expected)
    {
        var tracked = new SinkRun(run, expected);
        if (!_runs.TryAdd(run, tracked))
        {
            throw new InvalidOperationException($"run {run} is already tracked");
        }

        return tracked;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception error) when (error is InvalidOperationException or TimeoutException)
        {
            // Already gone.
        }

        await _reading.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        _process.Dispose();
    }

    private async Task ReadAsync()
    {
        var stderr = _process.StandardError.ReadToEndAsync();
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("accepted ", StringComparison.Ordinal))
            {
                OnAccepted(line);
            }
            else if (line.StartsWith("listening ", StringComparison.Ordinal))
            {
                var port = int.Parse(line[(line.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
                _listening.TrySetResult(port);
            }
        }

        _listening.TrySetException(new InvalidOperationException($"the SMTP sink exited: {await stderr}"));
    }

    private void OnAccepted(string line)
    {
        Interlocked.Increment(ref _accepted);
        var parts = line.Split(' ');
        if (parts.Length != 3)
        {
            return;
        }

        var marker = parts[1];
        var dash = marker.LastIndexOf('-');
        if (dash > 0 && _runs.TryGetValue(marker[..dash], out var run))
        {
            run.Record(marker, long.Parse(parts[2], CultureInfo.InvariantCulture));
        }
    }
}
