using LinqToDB;
using LinqToDB.Data;
using Relay.Shared.Queue;

namespace Relay.Client.Internal;

/// <summary>
/// The INSERT of a new queue row as fixed, parameterized SQL. linq2db would translate an
/// expression and build this text again on every call; the columns a new row leaves NULL are not sent.
/// </summary>
internal static class EmailInsert
{
    private const string Columns = "id, source, priority, status, envelope_from, recipients, subject, mime, size, "
        + "message_id, attempts, next_attempt_at, expires_at, created_at, updated_at";

    private const string Values = "@id, @source, @priority, @status, @envelopeFrom, @recipients, @subject, @mime, "
        + "@size, @messageId, @attempts, @nextAttemptAt, @expiresAt, @createdAt, @updatedAt";

    /// <summary>A row without an idempotency key.</summary>
    public const string Plain = $"INSERT INTO {QueueSchema.EmailTable} ({Columns}) VALUES ({Values})";

    /// <summary>A row with a key: inserts nothing (and affects no row) when the source already used the key.</summary>
    public const string Keyed = $"INSERT INTO {QueueSchema.EmailTable} ({Columns}, idempotency_key) "
        + $"VALUES ({Values}, @idempotencyKey) "
        + "ON CONFLICT (source, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING";

    /// <summary>Runs <see cref="Plain"/> or <see cref="Keyed"/>; returns the number of rows inserted.</summary>
    public static Task<int> ExecuteAsync(DataConnection db, EmailRow row, CancellationToken cancellationToken) =>
        row.IdempotencyKey is null
            ? db.ExecuteAsync(Plain, cancellationToken, Parameters(row, keyed: false))
            : db.ExecuteAsync(Keyed, cancellationToken, Parameters(row, keyed: true));

    private static DataParameter[] Parameters(EmailRow row, bool keyed)
    {
        var parameters = new DataParameter[keyed ? 16 : 15];
        parameters[0] = new DataParameter("id", row.Id, DataType.Guid);
        parameters[1] = new DataParameter("source", row.Source, DataType.NVarChar);
        parameters[2] = new DataParameter("priority", (short)row.Priority, DataType.Int16);
        parameters[3] = new DataParameter("status", (short)row.Status, DataType.Int16);
        parameters[4] = new DataParameter("envelopeFrom", row.EnvelopeFrom, DataType.NVarChar);
        parameters[5] = new DataParameter("recipients", row.Recipients, DataType.NVarChar);
        parameters[6] = new DataParameter("subject", row.Subject, DataType.NVarChar);
        parameters[7] = new DataParameter("mime", row.Mime, DataType.VarBinary);
        parameters[8] = new DataParameter("size", row.Size, DataType.Int32);
        parameters[9] = new DataParameter("messageId", row.MessageId, DataType.NVarChar);
        parameters[10] = new DataParameter("attempts", row.Attempts, DataType.Int32);
        parameters[11] = new DataParameter("nextAttemptAt", row.NextAttemptAt, DataType.Int64);
        parameters[12] = new DataParameter("expiresAt", row.ExpiresAt, DataType.Int64);
        parameters[13] = new DataParameter("createdAt", row.CreatedAt, DataType.Int64);
        parameters[14] = new DataParameter("updatedAt", row.UpdatedAt, DataType.Int64);
        if (keyed)
        {
            parameters[15] = new DataParameter("idempotencyKey", row.IdempotencyKey, DataType.NVarChar);
        }

        return parameters;
    }
}
