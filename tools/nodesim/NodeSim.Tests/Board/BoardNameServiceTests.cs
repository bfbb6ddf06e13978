using System.Net;
using NodeSim.Cli;
using NodeSim.Network;
using NodeSim.Tests.Support;

namespace NodeSim.Tests.Board;

/// <summary>`nodesim board --resolve NAME=ADDRESS`: the board's network maps a name to an address; the name stays what TLS checks.</summary>
public sealed class BoardNameServiceTests
{
    [Fact]
    public void A_listed_name_is_dialled_at_its_address_with_the_bundles_port_and_name()
    {
        var names = new NameService();
        names.Add("broker.acme.example=127.0.0.1");
        using var ca = TestCertificates.Throwaway("ca");

        var resolved = names.Resolve(new BrokerEndpoint("Broker.Acme.Example", 8883, ca));
        var other = names.Resolve(new BrokerEndpoint("mqtt.elsewhere.example", 8883, ca));

        Assert.Equal(("Broker.Acme.Example", 8883, "127.0.0.1"), (resolved.Host, resolved.Port, resolved.DialHost));
        Assert.Equal(IPAddress.Loopback, resolved.Address);
        Assert.Null(other.Address);
        Assert.Equal("mqtt.elsewhere.example", other.DialHost);
    }

    [Theory]
    [InlineData("broker.acme.example", "is not NAME=ADDRESS")]
    [InlineData("=127.0.0.1", "is not NAME=ADDRESS")]
    [InlineData("broker.acme.example=127.0.0.1:8883", "is not an IP address (a name resolves to an address, not to a port")]
    [InlineData("bro ker=127.0.0.1", "is not a host name")]
    public void A_bad_entry_is_refused_with_the_reason(string entry, string reason)
    {
        Assert.Contains(reason, Assert.Throws<ArgumentException>(() => new NameService().Add(entry)).Message);
        Assert.Contains(reason, Assert.Throws<ArgumentException>(() => RomServeOptions.Parse(["--rfc2217", "127.0.0.1:0", "--resolve", entry], board: true)).Message);
    }

    [Fact]
    public void The_board_options_take_names_a_firmware_version_and_board_and_refuse_bad_ones()
    {
        var o = RomServeOptions.Parse(["--rfc2217", "127.0.0.1:0", "--resolve", "broker.acme.example=127.0.0.1", "--resolve", "ntp.acme.example=::1",
            "--firmware-version", "1.2.3+4", "--firmware-board", "esp32-devkitc-v4"], board: true);
        Assert.Equal(2, o.Names.Entries.Count);
        Assert.Equal(("1.2.3+4", "esp32-devkitc-v4"), (o.FirmwareVersion, o.FirmwareBoard));
        Assert.Contains("--firmware-version 1.0.0-sim is not a version", Assert.Throws<ArgumentException>(() => RomServeOptions.Parse(["--pty", "--firmware-version", "1.0.0-sim"], board: true)).Message);
        Assert.Contains("unknown option --resolve", Assert.Throws<ArgumentException>(() => RomServeOptions.Parse(["--pty", "--resolve", "a=127.0.0.1"])).Message);
        var tooMany = new NameService();
        for (int i = 0; i < NameService.MaxEntries; i++) tooMany.Add($"h{i}.example=127.0.0.1");
        Assert.Contains("at most 16 names", Assert.Throws<ArgumentException>(() => tooMany.Add("one-more.example=127.0.0.1")).Message);
    }
}
