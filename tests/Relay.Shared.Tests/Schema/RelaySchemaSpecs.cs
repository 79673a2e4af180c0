using LinqToDB;
using LinqToDB.Async;
using LinqToDB.Data;
using Relay.Shared.Queue;
using Relay.Shared.Schema;
using Relay.TestKit;

namespace Relay.Shared.Tests.Schema;

public sealed class RelaySchemaSpecs
{
    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_create_the_current_schema_when_the_database_is_empty(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider, migrate: false);

        var version = await RelaySchema.MigrateAsync(database);

        Assert.Equal(QueueSchema.CurrentVersion, version);
        Assert.Equal(QueueSchema.CurrentVersion, await RelaySchema.GetVersionAsync(database));
        await using var db = database.Connect();
        Assert.Equal(0, await db.Emails.CountAsync());
        Assert.Equal(0, await db.Attempts.CountAsync());
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_change_nothing_when_migrating_a_current_database_again(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);

        var version = await RelaySchema.MigrateAsync(database);

        Assert.Equal(QueueSchema.CurrentVersion, version);
        await using var db = database.Connect();
        Assert.Equal(
            QueueSchema.CurrentVersion,
            await db.ExecuteAsync<int>($"SELECT count(*) FROM {QueueSchema.VersionTable}"));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_refuse_with_both_versions_and_the_fix_when_the_schema_is_missing(
        RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider, migrate: false);

        var error = await Assert.ThrowsAsync<RelaySchemaException>(() => RelaySchema.EnsureCurrentAsync(database));

        Assert.Null(error.FoundVersion);
        Assert.Contains("version 0", error.Message);
        Assert.Contains($"needs version {QueueSchema.CurrentVersion}", error.Message);
        Assert.Contains("relay-node migrate", error.Message);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_refuse_to_run_or_migrate_when_the_schema_is_newer_than_the_build(
        RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider);
        var future = QueueSchema.CurrentVersion + 1;
        await using (var db = database.Connect())
        {
            await db.ExecuteAsync(
                $"INSERT INTO {QueueSchema.VersionTable} (version, applied_at, description) VALUES ({future}, 0, 'x')");
        }

        var check = await Assert.ThrowsAsync<RelaySchemaException>(() => RelaySchema.EnsureCurrentAsync(database));
        var migrate = await Assert.ThrowsAsync<RelaySchemaException>(() => RelaySchema.MigrateAsync(database));

        Assert.Equal(future, check.FoundVersion);
        Assert.Contains($"schema version {future}", check.Message);
        Assert.Contains($"version {QueueSchema.CurrentVersion}", check.Message);
        Assert.Equal(future, migrate.FoundVersion);
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_apply_the_schema_once_when_two_processes_migrate_at_the_same_time(
        RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider, migrate: false);

        var versions = await Task.WhenAll(
            Task.Run(() => RelaySchema.MigrateAsync(database)),
            Task.Run(() => RelaySchema.MigrateAsync(database)));

        Assert.All(versions, v => Assert.Equal(QueueSchema.CurrentVersion, v));
        await using var db = database.Connect();
        Assert.Equal(
            QueueSchema.CurrentVersion,
            await db.ExecuteAsync<int>($"SELECT count(*) FROM {QueueSchema.VersionTable}"));
    }

    [Theory]
    [MemberData(nameof(TestDatabases.Providers), MemberType = typeof(TestDatabases))]
    public async Task Should_upgrade_a_version_1_database_and_keep_its_emails(RelayDatabaseProvider provider)
    {
        var database = await TestDatabases.CreateAsync(provider, migrate: false);
        var first = Migrations.All[0];
        var email = TestEmails.Build();
        await using (var db = database.Connect())
        {
            await db.ExecuteAsync(
                $"CREATE TABLE {QueueSchema.VersionTable} (version integer PRIMARY KEY, "
                + "applied_at bigint NOT NULL, description text NOT NULL);");
            await db.ExecuteAsync(provider == RelayDatabaseProvider.Sqlite ? first.Sqlite : first.PostgreSql);
            await db.ExecuteAsync(
                $"INSERT INTO {QueueSchema.VersionTable} (version, applied_at, description) VALUES (1, 0, 'v1')");
        }

        await TestEmails.InsertAsync(database, [email]);

        Assert.Equal(QueueSchema.CurrentVersion, await RelaySchema.MigrateAsync(database));
        await RelaySchema.EnsureCurrentAsync(database);
        Assert.Equal(EmailStatus.Queued, (await TestEmails.ReadAsync(database, email.Id)).Status);
        if (provider == RelayDatabaseProvider.PostgreSql)
        {
            await using var db = database.Connect();
            var trigger = await db.ExecuteAsync<string>(
                "SELECT prosrc FROM pg_proc WHERE proname = 'relay_email_queued_notify'");
            Assert.Contains("pg_try_advisory_xact_lock_shared", trigger);
        }
    }
}
