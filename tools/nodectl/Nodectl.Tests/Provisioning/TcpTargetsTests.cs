using NodeFirmware.Nodectl.Provisioning;

namespace NodeFirmware.Nodectl.Tests.Provisioning;

public class TcpTargetsTests
{
    [Fact]
    public void Lists_and_ranges_expand_in_order()
    {
        var targets = TcpTargets.Parse("127.0.0.1:5000,5002", "localhost:6000-6002");
        Assert.Equal(new[] { ("127.0.0.1", 5000), ("127.0.0.1", 5002), ("localhost", 6000), ("localhost", 6001), ("localhost", 6002) }, targets);
        Assert.Empty(TcpTargets.Parse(null, null));
    }

    [Theory]
    [InlineData("127.0.0.1:5000,x", null, "'x' is not a port")]
    [InlineData(null, "127.0.0.1:6000", "host:firstPort-lastPort")]
    [InlineData(null, "127.0.0.1:6005-6000", "below the first")]
    [InlineData("127.0.0.1:6000", "127.0.0.1:6000-6001", "listed twice")]
    public void Bad_target_lists_are_refused_with_the_reason(string? list, string? range, string reason)
    {
        var e = Assert.Throws<ArgumentException>(() => TcpTargets.Parse(list, range));
        Assert.Contains(reason, e.Message);
    }
}
