using Relay.DevSmtp.Internal;

namespace Relay.DevSmtp;

/// <summary>
/// What the server does wrong, and when. Changes apply to the next command of every open session.
/// All members are thread-safe; a new script (or <see cref="Reset"/>) accepts everything.
/// </summary>
public sealed class DevSmtpScript
{
    private readonly object _gate = new();
    private readonly object _refuseGate = new();
    private readonly Dictionary<string, ScriptedReply> _senderRejections = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, ScriptedReply> _recipientRejections = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, int> _recipientDrops = new(StringComparer.OrdinalIgnoreCase);
    private ScriptedReply _dataRejection;
    private int _dataRejectionsLeft;
    private int _dataDropsLeft;
    private TimeSpan _dataReplyDelay;
    private bool _refuseConnections;

    /// <summary>Raised when <see cref="RefuseConnections"/> changes the state, in call order.</summary>
    internal event Action<bool>? RefuseConnectionsChanged;

    internal TimeSpan DataReplyDelay
    {
        get
        {
            lock (_gate)
            {
                return _dataReplyDelay;
            }
        }
    }

    internal bool IsRefusingConnections
    {
        get
        {
            lock (_gate)
            {
                return _refuseConnections;
            }
        }
    }

    /// <summary>Answers RCPT TO for <paramref name="address"/> with <paramref name="code"/> (4xx or 5xx).</summary>
    public void RejectRecipient(string address, int code, string text = "Recipient rejected by script")
    {
        var reply = CheckedReply(code, text);
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        lock (_gate)
        {
            _recipientRejections[address] = reply;
        }
    }

    /// <summary>Answers MAIL FROM for <paramref name="address"/> with <paramref name="code"/> (4xx or 5xx).</summary>
    public void RejectSender(string address, int code, string text = "Sender rejected by script")
    {
        var reply = CheckedReply(code, text);
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        lock (_gate)
        {
            _senderRejections[address] = reply;
        }
    }

    /// <summary>
    /// Answers the end of DATA with <paramref name="code"/> (4xx or 5xx) for the next <paramref name="times"/>
    /// messages; those messages are not recorded.
    /// </summary>
    public void RejectData(int code, string text = "Message rejected by script", int times = int.MaxValue)
    {
        var reply = CheckedReply(code, text);
        ArgumentOutOfRangeException.ThrowIfNegative(times);
        lock (_gate)
        {
            _dataRejection = reply;
            _dataRejectionsLeft = times;
        }
    }

    /// <summary>
    /// Resets the TCP connection, without a reply, the next <paramref name="times"/> times a client sends
    /// RCPT TO for <paramref name="address"/>.
    /// </summary>
    public void DropConnectionAtRecipient(string address, int times = 1)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(address);
        ArgumentOutOfRangeException.ThrowIfNegative(times);
        lock (_gate)
        {
            _recipientDrops[address] = times;
        }
    }

    /// <summary>
    /// For the next <paramref name="times"/> messages, receives the whole message (up to the final dot) and
    /// then resets the TCP connection before any reply. The client cannot know whether the message was
    /// delivered; the server does not record it.
    /// </summary>
    public void DropConnectionAfterData(int times = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(times);
        lock (_gate)
        {
            _dataDropsLeft = times;
        }
    }

    /// <summary>Waits <paramref name="delay"/> before answering the end of DATA. Zero turns it off.</summary>
    public void DelayDataReply(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        lock (_gate)
        {
            _dataReplyDelay = delay;
        }
    }

    /// <summary>
    /// While true the port is closed, so connecting fails with "connection refused", and the sessions open
    /// when it is switched on are reset, like a server that went down. False listens again on the same port.
    /// </summary>
    public void RefuseConnections(bool refuse)
    {
        // A second lock keeps the listener's stop/start in the same order as the calls.
        lock (_refuseGate)
        {
            lock (_gate)
            {
                if (_refuseConnections == refuse)
                {
                    return;
                }

                _refuseConnections = refuse;
            }

            RefuseConnectionsChanged?.Invoke(refuse);
        }
    }

    /// <summary>Forgets every scripted behaviour: the server accepts everything again.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _senderRejections.Clear();
            _recipientRejections.Clear();
            _recipientDrops.Clear();
            _dataRejectionsLeft = 0;
            _dataDropsLeft = 0;
            _dataReplyDelay = TimeSpan.Zero;
        }

        RefuseConnections(false);
    }

    internal ScriptedReply? FindSenderRejection(string address)
    {
        lock (_gate)
        {
            return _senderRejections.TryGetValue(address, out var reply) ? reply : null;
        }
    }

    internal ScriptedReply? FindRecipientRejection(string address)
    {
        lock (_gate)
        {
            return _recipientRejections.TryGetValue(address, out var reply) ? reply : null;
        }
    }

    internal bool TryConsumeRecipientDrop(string address)
    {
        lock (_gate)
        {
            if (!_recipientDrops.TryGetValue(address, out var left) || left <= 0)
            {
                return false;
            }

            _recipientDrops[address] = left - 1;
            return true;
        }
    }

    internal bool TryConsumeDataDrop()
    {
        lock (_gate)
        {
            if (_dataDropsLeft <= 0)
            {
                return false;
            }

            _dataDropsLeft--;
            return true;
        }
    }

    internal ScriptedReply? TryConsumeDataRejection()
    {
        lock (_gate)
        {
            if (_dataRejectionsLeft <= 0)
            {
                return null;
            }

            if (_dataRejectionsLeft != int.MaxValue)
            {
                _dataRejectionsLeft--;
            }

            return _dataRejection;
        }
    }

    private static ScriptedReply CheckedReply(int code, string text)
    {
        if (code is < 400 or > 599)
        {
            throw new ArgumentOutOfRangeException(
                nameof(code), code, "A scripted rejection needs a 4xx (temporary) or 5xx (permanent) code.");
        }

        ArgumentNullException.ThrowIfNull(text);
        if (text.Contains('\r') || text.Contains('\n'))
        {
            throw new ArgumentException("The reply text must be a single line.", nameof(text));
        }

        return new ScriptedReply(code, text);
    }
}
