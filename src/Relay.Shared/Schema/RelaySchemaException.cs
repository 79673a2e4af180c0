namespace Relay.Shared.Schema;

/// <summary>The queue database has no schema, or a schema version this build does not know.</summary>
public sealed class RelaySchemaException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RelaySchemaException(int? foundVersion, int expectedVersion, string message)
        : base(message)
    {
        FoundVersion = foundVersion;
        ExpectedVersion = expectedVersion;
    }

    /// <summary>The version found in the database; null when it has no relay schema at all.</summary>
    public int? FoundVersion { get; }

    /// <summary>The version this build needs.</summary>
    public int ExpectedVersion { get; }
}
