namespace Relay.Shared.Schema;

/// <summary>One versioned step of the queue schema, written once for each provider.</summary>
internal sealed record Migration(int Version, string Description, string Sqlite, string PostgreSql);
