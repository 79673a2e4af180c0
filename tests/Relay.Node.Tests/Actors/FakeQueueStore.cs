using System.Collections.Concurrent;
using Relay.Node.Data;
using Relay.Node.Delivery;
using Relay.Shared.Queue;

namespace Relay.Node.Tests.Actors;

/// <summary>
/// An in-memory store for actor unit specs that test the poller's and supervisor's own logic; the
/// real store is tested against SQLite and PostgreSQL in QueueStoreSpecs.
/// </summary>
internal sealed class FakeQueueStore : IQueueStore
{
    private readonly ConcurrentQueue<ClaimedEmail> _ready = new();

    public ConcurrentQueue<int> ClaimLimits { get; } = new();

    public int ClaimCalls => ClaimLimits.Count;

    /// <summary>When set, the next claim throws synchronously (a bug, not a database error).</summary>
    public bool CrashNextClaim { get; set; }

    public void Add(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var row = Relay.TestKit.TestEmails.Build(to: $"user{i}@example.com");
            _ready.Enqueue(new ClaimedEmail(row.Id, 0, row.EnvelopeFrom, RecipientList.Split(row.Recipients),
                row.Mime, row.CreatedAt, null, null));
        }
    }

    public Task<IReadOnlyList<ClaimedEmail>> ClaimAsync(
        string owner, int limit, DateTimeOffset now, TimeSpan lease, CancellationToken cancellationToken)
    {
        if (CrashNextClaim)
        {
            CrashNextClaim = false;
            throw new InvalidOperationException("claim crashed");
        }

        ClaimLimits.Enqueue(limit);
        var claimed = new List<ClaimedEmail>();
        while (claimed.Count < limit && _ready.TryDequeue(out var email))
        {
            claimed.Add(email);
        }

        return Task.FromResult<IReadOnlyList<ClaimedEmail>>(claimed);
    }

    public Task<int> WriteOutcomesAsync(string owner, IReadOnlyList<EmailOutcome> outcomes, DateTimeOffset now, CancellationToken cancellationToken) =>
        Task.FromResult(outcomes.Count);

    public Task<int> ReturnExpiredLeasesAsync(DateTimeOffset now, CancellationToken cancellationToken) => Task.FromResult(0);

    public Task<int> ReleaseAllAsync(string owner, DateTimeOffset now, CancellationToken cancellationToken) => Task.FromResult(0);

    public Task<int> PruneAsync(IReadOnlyCollection<EmailStatus> statuses, DateTimeOffset olderThan, int batchSize, CancellationToken cancellationToken) =>
        Task.FromResult(0);

    public Task PingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
