using System.Globalization;

namespace Relay.DevSmtp.Internal;

/// <summary>The accepted messages, per-recipient counts, optional .eml files, and count waiters.</summary>
internal sealed class ReceivedMessageLog
{
    private readonly object _gate = new();
    private readonly List<ReceivedMessage> _messages = new();
    private readonly Dictionary<string, int> _perRecipient = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(int Count, TaskCompletionSource Done)> _waiters = new();
    private readonly bool _keepMessages;
    private readonly string? _saveDirectory;
    private int _count;
    private int _fileNumber;

    public ReceivedMessageLog(bool keepMessages, string? saveDirectory)
    {
        _keepMessages = keepMessages;
        _saveDirectory = saveDirectory;
    }

    public int Count => Volatile.Read(ref _count);

    /// <summary>Raised after each accepted message counts, on the session's thread.</summary>
    public event Action<ReceivedMessage>? Accepted;

    public IReadOnlyList<ReceivedMessage> Snapshot()
    {
        lock (_gate)
        {
            return _messages.ToArray();
        }
    }

    public int CountFor(string recipient)
    {
        lock (_gate)
        {
            return _perRecipient.TryGetValue(recipient, out var count) ? count : 0;
        }
    }

    public async Task AddAsync(ReceivedMessage message, CancellationToken cancellationToken)
    {
        // The file is written before the message counts, so a waiter released by the count finds it.
        if (_saveDirectory is not null)
        {
            var number = Interlocked.Increment(ref _fileNumber);
            var name = string.Create(
                CultureInfo.InvariantCulture, $"{message.ReceivedAt:yyyyMMdd'T'HHmmssfff}-{number:D6}.eml");
            await File.WriteAllBytesAsync(Path.Combine(_saveDirectory, name), message.Data, cancellationToken)
                .ConfigureAwait(false);
        }

        List<TaskCompletionSource> released = new();
        lock (_gate)
        {
            if (_keepMessages)
            {
                _messages.Add(message);
            }

            foreach (var recipient in message.Recipients)
            {
                _perRecipient[recipient] = _perRecipient.GetValueOrDefault(recipient) + 1;
            }

            var count = Interlocked.Increment(ref _count);
            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Count <= count)
                {
                    released.Add(_waiters[i].Done);
                    _waiters.RemoveAt(i);
                }
            }
        }

        released.ForEach(done => done.TrySetResult());
        Accepted?.Invoke(message);
    }

    public async Task WaitForCountAsync(int count, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiter = (count, done);
        lock (_gate)
        {
            if (_count >= count)
            {
                return;
            }

            _waiters.Add(waiter);
        }

        try
        {
            await done.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            lock (_gate)
            {
                _waiters.Remove(waiter);
            }

            throw new TimeoutException(
                $"DevSmtp expected at least {count} accepted message(s) within {timeout}, " +
                $"but has {Count}.");
        }
        catch (OperationCanceledException)
        {
            lock (_gate)
            {
                _waiters.Remove(waiter);
            }

            throw;
        }
    }
}
