using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Relay.Bench.Infrastructure;

/// <summary>
/// The real relay node (src/Relay.Node, the Release build) as a process of its own, configured
/// only through environment variables, so its memory is measured apart from the harness.
/// </summary>
internal sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _healthUrl;
    private readonly Task _draining;
    private readonly RssSampler _rss;

    private NodeProcess(Process process, string healthUrl, string logFile)
    {
        _process = process;
        _healthUrl = healthUrl;
        LogFile = logFile;
        _draining = DrainAsync(process, logFile);
        _rss = new RssSampler(process.Id);
    }

    public int ProcessId => _process.Id;

    public string LogFile { get; }

    /// <summary>Peak resident set of the node so far (VmHWM), in bytes.</summary>
    public long PeakRssBytes => Math.Max(ProcStatus.Read(_process.Id, "VmHWM") ?? 0, _rss.Peak);

    public long CurrentRssBytes => ProcStatus.Read(_process.Id, "VmRSS") ?? 0;

    /// <summary>The largest sampled RSS split into anonymous, file-backed and shared memory.</summary>
    public RssSplit PeakRssSplit => _rss.Largest;

    public static NodeProcess Start(
        string nodeDll,
        BenchDatabase database,
        SinkProcess sink,
        int senders,
        string workDir,
        string name,
        IReadOnlyDictionary<string, string>? extraSettings = null)
    {
        var hocon = Path.Combine(workDir, $"{name}.hocon");
        File.WriteAllText(hocon, string.Create(CultureInfo.InvariantCulture,
            $"akka.actor.deployment.\"/relay-supervisor/smtp-senders\".nr-of-instances = {senders}\n"));
        var healthPort = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workDir,
        };
        start.ArgumentList.Add(nodeDll);
        var environment = new Dictionary<string, string>
        {
            ["ConnectionStrings__Relay"] = database.ConnectionString,
            ["Relay__DatabaseProvider"] = database.Provider.ToString(),
            ["Relay__NodeName"] = name,
            ["Relay__Smtp__Host"] = sink.Host,
            ["Relay__Smtp__Port"] = sink.Port.ToString(CultureInfo.InvariantCulture),
            ["Relay__Smtp__Security"] = "None",
            ["Relay__HealthUrls"] = $"http://127.0.0.1:{healthPort}",
            ["Relay__HoconFile"] = hocon,
            ["Relay__MigrateOnStart"] = "true",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
        };
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the relay node");
        return new NodeProcess(
            process,
            $"http://127.0.0.1:{healthPort}/health/ready",
            Path.Combine(workDir, $"{name}.log"));
    }

    /// <summary>Waits until /health/ready answers 200: database reachable and an SMTP connection open.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException(
                    $"the relay node exited with {_process.ExitCode} before it was ready; see {LogFile}");
            }

            try
            {
                using var response = await http.GetAsync(_healthUrl, cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // Slow answer while the node starts on a busy machine.
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"the relay node was not ready within {timeout}; see {LogFile}");
    }

    /// <summary>A graceful stop (SIGTERM, as an orchestrator does), then a kill if it takes too long.</summary>
    public async ValueTask DisposeAsync()
    {
        _rss.Dispose();
        if (!_process.HasExited)
        {
            using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                await term.WaitForExitAsync();
            }

            try
            {
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
            }
            catch (TimeoutException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        await _draining.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        _process.Dispose();
    }

    private static async Task DrainAsync(Process process, string logFile)
    {
        await using var log = new StreamWriter(logFile) { AutoFlush = true };
        async Task CopyAsync(StreamReader reader)
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                lock (log)
                {
                    log.WriteLine(line);
                }
            }
        }

        await Task.WhenAll(CopyAsync(process.StandardOutput), CopyAsync(process.StandardError));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
