using System.Globalization;
using System.Text;
using MimeKit;
using Relay.Client;
using Relay.Shared.Queue;

namespace Relay.Demo;

/// <summary>
/// About a thousand varied emails, queued through <see cref="IRelayQueue"/> the two ways an application
/// would: one at a time as <see cref="OutgoingEmail"/>, and in batches of MimeKit messages.
/// </summary>
internal static class DemoEmails
{
    public const string RefusedAddress = "nobody@refused.example";
    public const string DefaultFrom = "EmailRelay Demo <demo@relay.example>";

    // Each single email whose number is a multiple of RefusedEvery goes to the refused address only.
    private const int SingleCount = 700;
    private const int RefusedEvery = 70;
    private const int BatchCount = 6;
    private const int BatchSize = 50;

    private static readonly int[] PartlyRefused = [101, 503];

    // A 1x1 PNG, for the inline image of HTML emails.
    private static readonly byte[] Logo = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");

    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes(
        "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        + "2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");

    private static readonly Locale[] Locales =
    [
        new("Jürgen Müller", "Ihre Bestellung Nr. {0} über 42,00 € ist unterwegs", "Grüße aus Köln"),
        new("山田 太郎", "ご注文 {0} を発送しました", "ありがとうございます"),
        new("Zoë Ørsted 🦊", "🚀 Order {0} shipped – track it here 📦", "Cheers ✨"),
        new("Ann Smith", "Your order {0} has shipped", "Thanks for shopping with us"),
        new("Ελένη Παπαδοπούλου", "Η παραγγελία {0} εστάλη", "Ευχαριστούμε"),
    ];

    /// <summary>How many emails <see cref="EnqueueAsync"/> queues.</summary>
    public static int Total => SingleCount + (BatchCount * BatchSize);

    /// <summary>Emails addressed only to the refused address: the server refuses every recipient.</summary>
    public static int FullyRefusedCount => Enumerable.Range(0, SingleCount).Count(IsFullyRefused);

    /// <summary>Emails with one refused and one good recipient: delivered to the good one only.</summary>
    public static int PartlyRefusedCount => PartlyRefused.Length;

    public static async Task EnqueueAsync(IRelayQueue queue, CancellationToken cancellationToken)
    {
        for (var i = 0; i < SingleCount; i++)
        {
            var options = new EnqueueOptions { Priority = PriorityOf(i) };
            await queue.EnqueueAsync(Single(i), options, cancellationToken);
        }

        for (var batch = 0; batch < BatchCount; batch++)
        {
            var emails = Enumerable.Range(0, BatchSize)
                .Select(i => Newsletter(SingleCount + (batch * BatchSize) + i));
            await queue.EnqueueManyAsync(emails, cancellationToken);
        }
    }

    private static bool IsFullyRefused(int number) => number % RefusedEvery == RefusedEvery / 2;

    private static EmailPriority PriorityOf(int number) => (number % 10) switch
    {
        0 or 5 => EmailPriority.High,
        1 or 4 or 7 => EmailPriority.Low,
        _ => EmailPriority.Normal,
    };

    private static OutgoingEmail Single(int number)
    {
        var locale = Locales[number % Locales.Length];
        var order = string.Create(CultureInfo.InvariantCulture, $"A-{10000 + number}");
        var email = new OutgoingEmail
        {
            To = [IsFullyRefused(number) ? $"Nobody <{RefusedAddress}>" : Customer(number, locale)],
            Subject = string.Format(CultureInfo.InvariantCulture, locale.Subject, order),
            Headers = { ["X-Demo-Order"] = order },
        };
        if (PartlyRefused.Contains(number))
        {
            email.To.Add(RefusedAddress);
        }

        // A refused email keeps its one recipient, so that the server refuses all of it.
        if (number % 13 == 0 && !IsFullyRefused(number))
        {
            email.Cc.Add($"Support Team <support+{number}@example.com>");
        }

        if (number % 17 == 0 && !IsFullyRefused(number))
        {
            email.Bcc.Add("archive@example.com");
        }

        if (number % 9 == 0)
        {
            // A From of its own instead of the configured default.
            email.From = "Bücherstube Köln <shop@buecher.example>";
        }

        var text = $"Hello {locale.Name},\n\n{email.Subject}.\n\n{locale.Closing}\n";
        var html = $"<p>Hello {locale.Name},</p><p><b>{email.Subject}</b></p><p>{locale.Closing}</p>";
        switch (number % 3)
        {
            case 0:
                email.TextBody = text;
                break;
            case 1:
                email.HtmlBody = html;
                break;
            default:
                email.TextBody = text;
                email.HtmlBody = html;
                break;
        }

        if (email.HtmlBody is not null && number % 5 == 0)
        {
            email.HtmlBody = $"<img src=\"cid:logo\" alt=\"logo\">{email.HtmlBody}";
            email.Attachments.Add(new EmailAttachment("logo.png", Logo, "image/png") { ContentId = "logo" });
        }

        if (number % 7 == 0)
        {
            email.Attachments.Add(new EmailAttachment("Überweisung März.pdf", Pdf));
        }

        if (number % 11 == 0)
        {
            var csv = Encoding.UTF8.GetBytes($"order;amount\n{order};42,00 €\n");
            email.Attachments.Add(new EmailAttachment("請求書 2026.csv", csv, "text/csv"));
        }

        return email;
    }

    private static EmailToQueue Newsletter(int number)
    {
        var locale = Locales[number % Locales.Length];
        var builder = new BodyBuilder
        {
            TextBody = $"Hello {locale.Name},\n\nThis month's news, in plain text.\n",
            HtmlBody = $"<h1>News</h1><p>Hello {locale.Name}, this month's news.</p>",
        };
        var message = new MimeMessage
        {
            Subject = $"📰 Newsletter {number % 12 + 1}/2026 – {locale.Closing}",
            Body = builder.ToMessageBody(),
        };
        message.To.Add(MailboxAddress.Parse(Customer(number, locale)));
        message.Headers.Add("List-Unsubscribe", $"<mailto:unsubscribe+{number}@relay.example>");

        // Newsletters wait behind everything else, except a few announcements.
        var priority = number % 25 == 0 ? EmailPriority.High : EmailPriority.Low;
        return new EmailToQueue(message, new EnqueueOptions { Priority = priority });
    }

    private static string Customer(int number, Locale locale) =>
        string.Create(CultureInfo.InvariantCulture, $"\"{locale.Name}\" <customer{number:D4}@example.com>");

    private sealed record Locale(string Name, string Subject, string Closing);
}
