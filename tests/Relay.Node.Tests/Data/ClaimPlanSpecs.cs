using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Npgsql;
using Relay.Node.Data;
using Relay.Shared.Queue;
using Relay.TestKit;

namespace Relay.Node.Tests.Data;

/// <summary>
/// The claim must cost the same however large the backlog: each priority is one index range, even
/// when every queued row is scheduled for later (an idle node polling over a big backlog).
/// </summary>
public sealed partial class ClaimPlanSpecs
{
    [Fact]
    public async Task Should_touch_a_handful_of_pages_on_postgresql_when_a_large_backlog_is_not_due()
    {
        var database = await TestDatabases.CreateAsync(RelayDatabaseProvider.PostgreSql);
        var later = DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeMilliseconds();
        await TestEmails.InsertAsync(database, Enumerable.Range(0, 20_000).Select(i => TestEmails.Build(
            subject: $"m{i}", priority: (EmailPriority)(i % 3), nextAttemptAt: later + i)));
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using (var analyze = new NpgsqlCommand("ANALYZE relay_email", connection))
        {
            await analyze.ExecuteNonQueryAsync();
        }

        await using var transaction = await connection.BeginTransactionAsync();
        await using var explain = new NpgsqlCommand(
            "EXPLAIN (ANALYZE, BUFFERS) " + QueueStore.ClaimSql(RelayDatabaseProvider.PostgreSql),
            connection,
            transaction);
        explain.Parameters.AddWithValue("owner", "node-a");
        explain.Parameters.AddWithValue("leaseUntil", later);
        explain.Parameters.AddWithValue("now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        explain.Parameters.AddWithValue("limit", 200);
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }

        await transaction.RollbackAsync();
        var text = string.Join('\n', plan);
        Assert.Contains("ix_relay_email_ready", text);
        // The top node's buffers cover the whole execution (planning is reported apart).
        var buffers = int.Parse(SharedHits().Match(text).Groups[1].Value);
        Assert.True(buffers < 50, $"the claim read {buffers} pages over a 20,000-row backlog:\n{text}");
    }

    [Fact]
    public async Task Should_search_the_ready_index_by_priority_and_due_time_on_sqlite()
    {
        var database = await TestDatabases.CreateAsync(RelayDatabaseProvider.Sqlite);
        await using var connection = new SqliteConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + QueueStore.ClaimSql(RelayDatabaseProvider.Sqlite);
        foreach (var name in new[] { "owner", "leaseUntil", "now", "limit" })
        {
            explain.Parameters.AddWithValue($"@{name}", name == "owner" ? "node-a" : 1);
        }

        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(3));
            }
        }

        var searches = plan.Where(p => p.Contains("ix_relay_email_ready")).ToList();
        Assert.Equal(3, searches.Count);
        Assert.All(searches, s => Assert.Contains("priority=? AND next_attempt_at<?", s));
        Assert.DoesNotContain(plan, p => p.StartsWith("SCAN relay_email", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"shared hit=(\d+)")]
    private static partial Regex SharedHits();
}
