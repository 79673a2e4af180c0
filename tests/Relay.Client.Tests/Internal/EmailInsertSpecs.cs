using System.Reflection;
using LinqToDB.Mapping;
using Relay.Client.Internal;
using Relay.Shared.Queue;

namespace Relay.Client.Tests.Internal;

public sealed class EmailInsertSpecs
{
    // What a new row leaves NULL; the node fills these in later.
    private static readonly string[] LeftNull =
        ["pending_recipients", "lease_owner", "lease_expires_at", "last_error", "rejected_recipients", "sent_at"];

    [Fact]
    public void Should_insert_every_column_of_the_row_type_that_a_new_row_sets()
    {
        var inserted = InsertedColumns(EmailInsert.Keyed);

        Assert.Equal(ColumnsOf(typeof(EmailRow)).Except(LeftNull).Order(), inserted.Order());
    }

    [Fact]
    public void Should_bulk_copy_the_same_columns_as_the_insert_without_the_idempotency_key()
    {
        var inserted = InsertedColumns(EmailInsert.Plain);

        Assert.Equal(inserted.Order(), ColumnsOf(typeof(NewEmailRow)).Order());
    }

    private static IEnumerable<string> ColumnsOf(Type type) => type
        .GetProperties()
        .Select(property => property.GetCustomAttribute<ColumnAttribute>()?.Name)
        .OfType<string>();

    private static string[] InsertedColumns(string sql)
    {
        var start = sql.IndexOf('(', StringComparison.Ordinal) + 1;
        var end = sql.IndexOf(')', start);
        return sql[start..end].Split(',', StringSplitOptions.TrimEntries);
    }
}
