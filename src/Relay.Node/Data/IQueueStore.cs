using Relay.Node.Delivery;
using Relay.Shared.Queue;

namespace Relay.Node.Data;

/// <summary>The node's queue operations. One implementation; the interface keeps actors testable.</summary>
internal interface IQueueStore
{
    /// <summary>Leases up to <paramref name="limit"/> due rows, highest priority and oldest due first.</summary>
    Task<IReadOnlyList<ClaimedEmail>> ClaimAsync(
        string owner,
        int limit,
        DateTimeOffset now,
        TimeSpan lease,
        CancellationToken cancellationToken);

    /// <summary>Stores outcomes of rows this owner still leases, in one transaction; returns rows changed.</summary>
    Task<int> WriteOutcomesAsync(
        string owner,
        IReadOnlyList<EmailOutcome> outcomes,
        DateTimeOffset now,
        CancellationToken cancellationToken);

    /// <summary>Returns rows whose lease lapsed (their node died) to the queue.</summary>
    Task<int> ReturnExpiredLeasesAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Returns every row this owner still leases to the queue (graceful stop).</summary>
    Task<int> ReleaseAllAsync(string owner, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes rows in the given statuses last changed before the cutoff, with their history.</summary>
    Task<int> PruneAsync(
        IReadOnlyCollection<EmailStatus> statuses,
        DateTimeOffset olderThan,
        int batchSize,
        CancellationToken cancellationToken);

    /// <summary>Throws when the database cannot be reached.</summary>
    Task PingAsync(CancellationToken cancellationToken);
}
