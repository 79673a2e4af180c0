using Relay.Client.Internal;

namespace Relay.Client.Tests.Internal;

public sealed class EmailIdsSpecs
{
    private static readonly DateTimeOffset Now = new(2030, 1, 2, 3, 4, 5, 678, TimeSpan.Zero);

    [Fact]
    public void Should_make_version_7_ids_with_the_rfc_9562_variant()
    {
        var id = EmailIds.NewId(Now);

        Assert.Equal(7, id.Version);
        Assert.Equal(0b10, id.ToByteArray(bigEndian: true)[8] >> 6);
    }

    [Fact]
    public void Should_carry_the_unix_milliseconds_where_guid_create_version_7_puts_them()
    {
        var id = EmailIds.NewId(Now).ToByteArray(bigEndian: true);
        var reference = Guid.CreateVersion7(Now).ToByteArray(bigEndian: true);

        Assert.Equal(reference[..6], id[..6]);
    }

    [Fact]
    public void Should_order_ids_by_time_when_the_milliseconds_differ()
    {
        var earlier = EmailIds.NewId(Now);
        var later = EmailIds.NewId(Now.AddMilliseconds(1));

        Assert.True(string.CompareOrdinal(earlier.ToString(), later.ToString()) < 0);
    }

    [Fact]
    public void Should_never_repeat_an_id_across_several_buffer_refills_in_one_millisecond()
    {
        var ids = Enumerable.Range(0, 5000).Select(_ => EmailIds.NewId(Now)).ToList();

        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void Should_refuse_a_time_before_1970()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => EmailIds.NewId(DateTimeOffset.UnixEpoch.AddDays(-1)));
    }
}
