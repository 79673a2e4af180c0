using LinqToDB.Mapping;

namespace Relay.Shared.Queue;

/// <summary>
/// One row of the queue table. Times are Unix milliseconds (UTC) so that comparisons stay
/// index-friendly on SQLite as well as PostgreSQL.
/// </summary>
[Table(QueueSchema.EmailTable)]
public sealed class EmailRow
{
    /// <summary>Client-generated, time-ordered id (UUID version 7).</summary>
    [Column("id"), PrimaryKey]
    public Guid Id { get; set; }

    /// <summary>Name of the application that queued the email.</summary>
    [Column("source"), NotNull]
    public string Source { get; set; } = "";

    /// <summary>Optional key, unique per source, that makes a repeated enqueue a no-op.</summary>
    [Column("idempotency_key"), Nullable]
    public string? IdempotencyKey { get; set; }

    /// <summary>Delivery priority.</summary>
    [Column("priority"), NotNull]
    public EmailPriority Priority { get; set; } = EmailPriority.Normal;

    /// <summary>Current status.</summary>
    [Column("status"), NotNull]
    public EmailStatus Status { get; set; }

    /// <summary>Envelope sender (MAIL FROM).</summary>
    [Column("envelope_from"), NotNull]
    public string EnvelopeFrom { get; set; } = "";

    /// <summary>Every envelope recipient (To, Cc and Bcc), one address per line.</summary>
    [Column("recipients"), NotNull]
    public string Recipients { get; set; } = "";

    /// <summary>
    /// Recipients still to be delivered, one per line, when an earlier attempt reached only some
    /// of them; null when every recipient is still due.
    /// </summary>
    [Column("pending_recipients"), Nullable]
    public string? PendingRecipients { get; set; }

    /// <summary>Subject, for listings; the MIME holds the real header.</summary>
    [Column("subject"), NotNull]
    public string Subject { get; set; } = "";

    /// <summary>The complete message as MimeKit wrote it, without any Bcc header.</summary>
    [Column("mime"), NotNull]
    public byte[] Mime { get; set; } = [];

    /// <summary>Size of <see cref="Mime"/> in bytes.</summary>
    [Column("size"), NotNull]
    public int Size { get; set; }

    /// <summary>The Message-ID header, without angle brackets.</summary>
    [Column("message_id"), NotNull]
    public string MessageId { get; set; } = "";

    /// <summary>Delivery attempts used so far.</summary>
    [Column("attempts"), NotNull]
    public int Attempts { get; set; }

    /// <summary>Earliest time of the next attempt (also the scheduled send time).</summary>
    [Column("next_attempt_at"), NotNull]
    public long NextAttemptAt { get; set; }

    /// <summary>After this time the email is failed instead of sent; null for never.</summary>
    [Column("expires_at"), Nullable]
    public long? ExpiresAt { get; set; }

    /// <summary>The node holding the claim while the status is sending.</summary>
    [Column("lease_owner"), Nullable]
    public string? LeaseOwner { get; set; }

    /// <summary>When the claim lapses and the email returns to the queue.</summary>
    [Column("lease_expires_at"), Nullable]
    public long? LeaseExpiresAt { get; set; }

    /// <summary>The last failure, in words, with the server's reply where there was one.</summary>
    [Column("last_error"), Nullable]
    public string? LastError { get; set; }

    /// <summary>Recipients refused permanently, as a JSON array of <see cref="RejectedRecipient"/>.</summary>
    [Column("rejected_recipients"), Nullable]
    public string? RejectedRecipients { get; set; }

    /// <summary>When the email was queued.</summary>
    [Column("created_at"), NotNull]
    public long CreatedAt { get; set; }

    /// <summary>When the row last changed.</summary>
    [Column("updated_at"), NotNull]
    public long UpdatedAt { get; set; }

    /// <summary>When the server accepted it.</summary>
    [Column("sent_at"), Nullable]
    public long? SentAt { get; set; }
}
