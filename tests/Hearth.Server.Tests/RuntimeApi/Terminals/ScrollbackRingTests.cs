using Hearth.Server.RuntimeApi.Terminals;

namespace Hearth.Server.Tests.RuntimeApi.Terminals;

public sealed class ScrollbackRingTests
{
    [Fact]
    public void Keeps_the_newest_bytes_when_it_wraps()
    {
        var ring = new ScrollbackRing(8);

        ring.Append("abcde"u8);
        ring.Append("fghijk"u8);

        Assert.Equal(11, ring.End);
        Assert.Equal(3, ring.Start);
        Assert.Equal("defghijk"u8.ToArray(), ring.Tail(100));
        Assert.Equal("ijk"u8.ToArray(), ring.Tail(3));
    }

    [Fact]
    public void A_write_larger_than_the_ring_keeps_its_tail()
    {
        var ring = new ScrollbackRing(4);
        ring.Append("xy"u8);

        ring.Append("0123456789"u8);

        Assert.Equal(12, ring.End);
        Assert.Equal("6789"u8.ToArray(), ring.Tail(4));
    }

    [Fact]
    public void A_reader_gets_every_byte_in_order_across_the_wrap()
    {
        var ring = new ScrollbackRing(8);
        long position = 0;
        var read = new List<byte>();
        var chunk = new byte[3];
        var expected = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();

        for (var i = 0; i < expected.Length; i += 5)
        {
            ring.Append(expected.AsSpan(i, 5));
            int count;
            while ((count = ring.Read(ref position, chunk, out var skipped)) > 0)
            {
                Assert.Equal(0, skipped);
                read.AddRange(chunk[..count]);
            }
        }

        Assert.Equal(expected, read);
    }

    [Fact]
    public void A_reader_that_falls_behind_is_told_what_it_lost()
    {
        var ring = new ScrollbackRing(4);
        long position = 0;
        ring.Append("abcdefgh"u8);

        var buffer = new byte[10];
        var count = ring.Read(ref position, buffer, out var skipped);

        Assert.Equal(4, skipped);
        Assert.Equal("efgh"u8.ToArray(), buffer[..count]);
        Assert.Equal(8, position);
    }

    [Fact]
    public void Resize_keeps_what_fits_and_positions_go_on()
    {
        var ring = new ScrollbackRing(8);
        ring.Append("abcdefgh"u8);

        ring.Resize(3);
        ring.Append("ij"u8);

        Assert.Equal(3, ring.Capacity);
        Assert.Equal("hij"u8.ToArray(), ring.Tail(10));
        ring.Resize(16);
        ring.Append("klm"u8);
        Assert.Equal("hijklm"u8.ToArray(), ring.Tail(100));
        Assert.Equal(13, ring.End);
    }

    [Fact]
    public void Clear_empties_it_without_resetting_positions()
    {
        var ring = new ScrollbackRing(8);
        ring.Append("abc"u8);

        ring.Clear();
        ring.Append("d"u8);

        Assert.Equal(3, ring.Start);
        Assert.Equal("d"u8.ToArray(), ring.Tail(10));
    }
}
