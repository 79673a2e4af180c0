using LinqToDB;
using LinqToDB.Data;
using Relay.Client.Tests.Support;
using Relay.Shared.Queue;
using Relay.Shared.Schema;
using Relay.TestKit;

namespace Relay.Client.Tests;

public sealed class SchemaSpecs
{
    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_refuse_and_create_nothing_when_the_database_is_not_migrated(
        RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider, migrate: false);
        var queue = TestQueues.Create(database);

        var error = await Assert.ThrowsAsync<RelaySchemaException>(
            () => queue.EnqueueAsync(SampleMessages.Outgoing()));

        Assert.Null(error.FoundVersion);
        Assert.Contains("relay-node migrate", error.Message);
        Assert.Null(await RelaySchema.GetVersionAsync(database));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_refuse_and_store_nothing_when_the_schema_version_is_unknown(
        RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        await using (var db = database.Connect())
        {
            await db.ExecuteAsync(
                $"INSERT INTO {QueueSchema.VersionTable} (version, applied_at, description) VALUES (99, 0, 'future')");
        }

        var queue = TestQueues.Create(database);

        var error = await Assert.ThrowsAsync<RelaySchemaException>(
            () => queue.EnqueueAsync(SampleMessages.Outgoing()));

        Assert.Equal(99, error.FoundVersion);
        Assert.Equal(QueueSchema.CurrentVersion, error.ExpectedVersion);
        Assert.Contains("99", error.Message);
        Assert.Equal(0, await StoredEmails.CountAsync(database));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_work_without_restart_when_the_database_is_migrated_after_a_refusal(
        RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider, migrate: false);
        var queue = TestQueues.Create(database);
        await Assert.ThrowsAsync<RelaySchemaException>(() => queue.EnqueueAsync(SampleMessages.Outgoing()));

        await RelaySchema.MigrateAsync(database);
        var id = await queue.EnqueueAsync(SampleMessages.Outgoing());

        Assert.Equal(id, (await StoredEmails.ReadAsync(database, id)).Id);
    }
}
