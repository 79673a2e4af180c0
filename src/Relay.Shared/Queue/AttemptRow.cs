using LinqToDB.Mapping;

namespace Relay.Shared.Queue;

/// <summary>One delivery attempt of one email: the history behind its status.</summary>
[Table(QueueSchema.AttemptTable)]
public sealed class AttemptRow
{
    /// <summary>Database-generated id.</summary>
    [Column("id"), PrimaryKey, Identity]
    public long Id { get; set; }

    /// <summary>The email this attempt belongs to.</summary>
    [Column("email_id"), NotNull]
    public Guid EmailId { get; set; }

    /// <summary>When the attempt finished (Unix milliseconds).</summary>
    [Column("attempted_at"), NotNull]
    public long AttemptedAt { get; set; }

    /// <summary>Name of the node that made the attempt.</summary>
    [Column("node"), NotNull]
    public string Node { get; set; } = "";

    /// <summary>What the attempt ended in.</summary>
    [Column("outcome"), NotNull]
    public AttemptOutcome Outcome { get; set; }

    /// <summary>The SMTP reply code that decided the outcome, when there was one.</summary>
    [Column("smtp_code"), Nullable]
    public int? SmtpCode { get; set; }

    /// <summary>The server's reply or the failure, in words.</summary>
    [Column("detail"), Nullable]
    public string? Detail { get; set; }
}
