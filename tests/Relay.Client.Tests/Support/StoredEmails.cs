using LinqToDB;
using LinqToDB.Async;
using MimeKit;
using Relay.Shared.Queue;

namespace Relay.Client.Tests.Support;

/// <summary>Reads the queue table directly, as the node does.</summary>
public static class StoredEmails
{
    public static async Task<EmailRow> ReadAsync(RelayDatabase database, Guid id)
    {
        await using var db = database.Connect();
        return await db.Emails.SingleAsync(e => e.Id == id);
    }

    public static async Task<MimeMessage> LoadMimeAsync(RelayDatabase database, Guid id)
    {
        var row = await ReadAsync(database, id);
        return MimeMessage.Load(new MemoryStream(row.Mime));
    }

    public static async Task<int> CountAsync(RelayDatabase database)
    {
        await using var db = database.Connect();
        return await db.Emails.CountAsync();
    }

    public static async Task SetStatusAsync(RelayDatabase database, Guid id, EmailStatus status)
    {
        await using var db = database.Connect();
        await db.Emails.Where(e => e.Id == id)
            .Set(e => e.Status, status)
            .Set(e => e.LeaseOwner, status == EmailStatus.Sending ? "node-1" : null)
            .UpdateAsync();
    }
}
