using LinqToDB;
using LinqToDB.Async;
using Relay.Shared.Queue;

namespace Relay.Node.Tests;

/// <summary>Reads the queue the way an operator would, for assertions.</summary>
internal static class QueueAssertions
{
    public static async Task<int> CountAsync(RelayDatabase database, EmailStatus status)
    {
        await using var db = database.Connect();
        return await db.Emails.CountAsync(e => e.Status == status);
    }

    public static async Task<EmailRow> RowAsync(RelayDatabase database, Guid id)
    {
        await using var db = database.Connect();
        return await db.Emails.SingleAsync(e => e.Id == id);
    }

    public static async Task<List<AttemptRow>> AttemptsAsync(RelayDatabase database, Guid id)
    {
        await using var db = database.Connect();
        return await db.Attempts.Where(a => a.EmailId == id).OrderBy(a => a.Id).ToListAsync();
    }
}
