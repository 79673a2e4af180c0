namespace Relay.Shared.Queue;

/// <summary>The databases the queue can live in.</summary>
public enum RelayDatabaseProvider
{
    /// <summary>An embedded SQLite file: the default, for one machine.</summary>
    Sqlite = 0,

    /// <summary>PostgreSQL: the production database, shared by many apps and nodes.</summary>
    PostgreSql = 1,
}
