using System.Text;
using MimeKit;
using Relay.Shared.Queue;

namespace Relay.Bench.Infrastructure;

/// <summary>
/// The benchmark's message: one recipient, plain text, about 2 KB written, with an
/// <c>X-Bench-Id</c> marker the sink reports. Messages and queue rows are the same bytes.
/// </summary>
internal static class BenchMail
{
    public const string From = "app@bench.example";
    public const string To = "user@bench.example";

    private const string Placeholder = "ZZBENCHMARKERZZ";

    private static readonly string Body = BuildBody();
    private static readonly string RowTemplate = WriteTemplate();

    /// <summary>Size of a written message in bytes (markers of a few characters shift it slightly).</summary>
    public static int ApproximateSize { get; } = Encoding.ASCII.GetByteCount(RowTemplate);

    public static MimeMessage Message(string marker)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(From));
        message.To.Add(MailboxAddress.Parse(To));
        message.Subject = "Your order has shipped";
        message.MessageId = $"{marker}@bench.example";
        message.Date = DateTimeOffset.UtcNow;
        message.Headers.Add(SinkProcess.MarkerHeader, marker);
        message.Body = new TextPart("plain") { Text = Body };
        return message;
    }

    /// <summary>The written MIME of <see cref="Message"/> for a marker, without building a MimeMessage.</summary>
    public static byte[] Mime(string marker) => Encoding.ASCII.GetBytes(RowTemplate.Replace(Placeholder, marker));

    /// <summary>A queue row as the client would store it, due at <paramref name="nextAttemptAt"/> (Unix ms).</summary>
    public static EmailRow Row(string marker, long nextAttemptAt, long now)
    {
        var mime = Mime(marker);
        return new EmailRow
        {
            Id = Guid.CreateVersion7(),
            Source = "bench",
            Priority = EmailPriority.Normal,
            Status = EmailStatus.Queued,
            EnvelopeFrom = From,
            Recipients = To,
            Subject = "Your order has shipped",
            Mime = mime,
            Size = mime.Length,
            MessageId = $"{marker}@bench.example",
            NextAttemptAt = nextAttemptAt,
            CreatedAt = now,
            UpdatedAt = now,
        };
    }

    private static string WriteTemplate()
    {
        using var stream = new MemoryStream();
        Message(Placeholder).WriteTo(FormatOptions.Default, stream);
        return Encoding.ASCII.GetString(stream.ToArray());
    }

    // Seeded pseudo-random words: text that compresses no better than real mail, so PostgreSQL's
    // TOAST compression does not make the rows unrealistically small.
    private static string BuildBody()
    {
        var random = new Random(20261203);
        var text = new StringBuilder();
        var line = new StringBuilder();
        while (text.Length < 1650)
        {
            var word = new string(Enumerable.Range(0, random.Next(2, 10))
                .Select(_ => (char)('a' + random.Next(26)))
                .ToArray());
            if (line.Length + word.Length + 1 > 72)
            {
                text.Append(line).Append("\r\n");
                line.Clear();
            }

            line.Append(line.Length == 0 ? "" : " ").Append(word);
        }

        return text.Append(line).Append("\r\n").ToString();
    }
}
