using Hearth.Server.Metrics;

namespace Hearth.Server.Tests.Metrics;

public sealed class ByteSizeTests
{
    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1536, "1.5 KB")]
    [InlineData(52_428_800, "50 MB")]
    [InlineData(1_610_612_736, "1.5 GB")]
    public void Formats_in_binary_units(long bytes, string text) => Assert.Equal(text, ByteSize.Format(bytes));
}
