using System.Buffers;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Relay.DevSmtp.Internal;

/// <summary>Answers the end of DATA as the script says, and records what it accepts.</summary>
internal sealed class RecordingMessageStore : IMessageStore
{
    private static readonly SmtpResponse TooBig =
        new(SmtpReplyCode.SizeLimitExceeded, "5.3.4 Message size exceeds fixed maximum message size");

    private readonly DevSmtpScript _script;
    private readonly ReceivedMessageLog _log;
    private readonly int _maxMessageSize;
    private readonly TimeProvider _time;

    public RecordingMessageStore(DevSmtpScript script, ReceivedMessageLog log, int maxMessageSize, TimeProvider time)
    {
        _script = script;
        _log = log;
        _maxMessageSize = maxMessageSize;
        _time = time;
    }

    public async Task<SmtpResponse> SaveAsync(
        ISessionContext context,
        IMessageTransaction transaction,
        ReadOnlySequence<byte> buffer,
        CancellationToken cancellationToken)
    {
        if (_script.TryConsumeDataDrop())
        {
            DevSmtpConnection.Of(context).Abort();
            throw new IOException("DevSmtp script dropped the connection after DATA.");
        }

        var delay = _script.DataReplyDelay;
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }

        if (_script.TryConsumeDataRejection() is { } reply)
        {
            return reply.ToResponse();
        }

        if (_maxMessageSize > 0 && buffer.Length > _maxMessageSize)
        {
            return TooBig;
        }

        var message = new ReceivedMessage(
            transaction.From.AsAddress() ?? string.Empty,
            transaction.To.Select(to => to.AsAddress() ?? string.Empty).ToArray(),
            ToMessageBytes(buffer),
            _time.GetUtcNow());
        await _log.AddAsync(message, cancellationToken).ConfigureAwait(false);
        return SmtpResponse.Ok;
    }

    /// <summary>
    /// SmtpServer hands over the data without the CRLF before the final dot and leaves a leading ".." on the
    /// first line stuffed; put the message back exactly as the client meant it.
    /// </summary>
    private static byte[] ToMessageBytes(ReadOnlySequence<byte> buffer)
    {
        var skip = 0;
        if (buffer.Length >= 2)
        {
            Span<byte> start = stackalloc byte[2];
            buffer.Slice(0, 2).CopyTo(start);
            skip = start[0] == (byte)'.' && start[1] == (byte)'.' ? 1 : 0;
        }

        var data = new byte[buffer.Length - skip + 2];
        buffer.Slice(skip).CopyTo(data);
        data[^2] = (byte)'\r';
        data[^1] = (byte)'\n';
        return data;
    }
}
