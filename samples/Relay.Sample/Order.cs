using LinqToDB.Mapping;

namespace Relay.Sample;

/// <summary>The sample's own data: an order, stored beside the email queue in the same database.</summary>
[Table("orders")]
public sealed class Order
{
    [Column("id"), PrimaryKey]
    public Guid Id { get; set; }

    [Column("customer_email"), NotNull]
    public string CustomerEmail { get; set; } = "";

    [Column("total"), NotNull]
    public decimal Total { get; set; }

    [Column("created_at"), NotNull]
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The queued confirmation email; set in the same transaction as the order.</summary>
    [Column("confirmation_email_id"), Nullable]
    public Guid? ConfirmationEmailId { get; set; }
}
