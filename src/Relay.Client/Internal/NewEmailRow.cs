using LinqToDB.Mapping;
using Relay.Shared.Queue;

namespace Relay.Client.Internal;

/// <summary>
/// The columns a new queue row without an idempotency key sets, mapped onto the queue table for bulk
/// copy: the columns a new row leaves NULL or at their default are neither read nor sent.
/// </summary>
[Table(QueueSchema.EmailTable)]
internal sealed class NewEmailRow
{
    private NewEmailRow(EmailRow row)
    {
        Id = row.Id;
        Source = row.Source;
        Priority = row.Priority;
        Status = row.Status;
        EnvelopeFrom = row.EnvelopeFrom;
        Recipients = row.Recipients;
        Subject = row.Subject;
        Mime = row.Mime;
        Size = row.Size;
        MessageId = row.MessageId;
        Attempts = row.Attempts;
        NextAttemptAt = row.NextAttemptAt;
        ExpiresAt = row.ExpiresAt;
        CreatedAt = row.CreatedAt;
        UpdatedAt = row.UpdatedAt;
    }

    [Column("id"), PrimaryKey]
    public Guid Id { get; }

    [Column("source"), NotNull]
    public string Source { get; }

    [Column("priority"), NotNull]
    public EmailPriority Priority { get; }

    [Column("status"), NotNull]
    public EmailStatus Status { get; }

    [Column("envelope_from"), NotNull]
    public string EnvelopeFrom { get; }

    [Column("recipients"), NotNull]
    public string Recipients { get; }

    [Column("subject"), NotNull]
    public string Subject { get; }

    [Column("mime"), NotNull]
    public byte[] Mime { get; }

    [Column("size"), NotNull]
    public int Size { get; }

    [Column("message_id"), NotNull]
    public string MessageId { get; }

    [Column("attempts"), NotNull]
    public int Attempts { get; }

    [Column("next_attempt_at"), NotNull]
    public long NextAttemptAt { get; }

    [Column("expires_at"), Nullable]
    public long? ExpiresAt { get; }

    [Column("created_at"), NotNull]
    public long CreatedAt { get; }

    [Column("updated_at"), NotNull]
    public long UpdatedAt { get; }

    public static NewEmailRow From(EmailRow row) => new(row);
}
