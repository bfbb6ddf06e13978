using System.CommandLine;
using System.Net;
using System.Net.Sockets;
using NodeFirmware.Nodectl.Flashing;
using NodeSim.RomBootloader;
using NodeSim.RomBootloader.Rfc2217;
using Spectre.Console;

namespace NodeFirmware.Nodectl.Tests.Flashing;

/// <summary>nodectl's `--port rfc2217://HOST:PORT`: the simulated chip served over RFC 2217 in this process.</summary>
public class Rfc2217SerialLinkTests
{
    [Fact]
    public void Nodectl_flash_writes_and_verifies_through_an_rfc2217_url()
    {
        using var server = new RomRfc2217Server();
        string file = Path.GetTempFileName();
        try
        {
            var app = FirmwareLikeImage.Create(3, 90_003);
            File.WriteAllBytes(file, app);
            var root = new RootCommand { FlashCommand.Create() };

            int exit = root.Parse(new[] { "flash", "--port", server.Url, "--image", $"0x10000:{file}", "--verify", "--flash-size", "4MB" }).Invoke();

            Assert.Equal(0, exit);
            Assert.True(server.Sim.Flash.Read(0x10000, app.Length).SequenceEqual(app));
            Assert.True(server.Sim.Traffic.RequestsFor(RomWire.FLASH_DEFL_DATA) > 0);
            Assert.True(server.Sim.Traffic.RequestsFor(RomWire.SPI_FLASH_MD5) > 0);
            Assert.Equal(1, server.Connections);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Read_mac_resets_the_chip_into_the_loader_through_rfc2217_control_lines()
    {
        using var server = new RomRfc2217Server(new SimulatedRomOptions { Mac = new byte[] { 0x24, 0x6F, 0x28, 0x01, 0x02, 0x03 } });
        using var link = SerialLinks.Open(server.Url);
        var text = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Ansi = AnsiSupport.No, Out = new AnsiConsoleOutput(text) });

        Assert.Equal(0, FlashRunner.ReadMac(new EspRomClient(link), console));

        Assert.Contains("MAC 24:6f:28:01:02:03", text.ToString());
        Assert.Equal(server.Url, link.Name);
        Assert.True(server.Sim.Boots >= 1);
    }

    [Fact]
    public void A_hostile_servers_never_ending_subnegotiation_is_dropped_and_the_data_after_it_still_arrives()
    {
        var data = new List<byte>();
        var answers = new List<byte[]>();
        var decoder = new Rfc2217Decoder(d => data.AddRange(d.ToArray()), (_, _) => { }, answers.Add);
        decoder.Push(new byte[] { Rfc2217.IAC, Rfc2217.SB, Rfc2217.COM_PORT_OPTION });
        for (int i = 0; i < 1000; i++)
        {
            decoder.Push(new byte[100]);
        }

        decoder.Push(new byte[] { Rfc2217.IAC, Rfc2217.SE, 0x55 });

        Assert.Empty(answers);
        Assert.Equal(new byte[] { 0x55 }, data);
    }

    [Fact]
    public void Serial_bytes_0xFF_are_doubled_on_the_wire_and_restored_on_arrival()
    {
        var data = new List<byte>();
        var answers = new List<byte[]>();
        var negotiations = new List<(byte, byte)>();
        var decoder = new Rfc2217Decoder(d => data.AddRange(d.ToArray()), (v, o) => negotiations.Add((v, o)), answers.Add);
        byte[] wire =
        {
            1, Rfc2217.IAC, Rfc2217.IAC, 2, Rfc2217.IAC, Rfc2217.DO, Rfc2217.COM_PORT_OPTION,
            Rfc2217.IAC, Rfc2217.SB, Rfc2217.COM_PORT_OPTION, 101, 0, 7, Rfc2217.IAC, Rfc2217.IAC, 0, Rfc2217.IAC, Rfc2217.SE, 3,
        };

        foreach (byte b in wire)
        {
            decoder.Push(new[] { b }); // one byte at a time: every escape split across reads
        }

        Assert.Equal(new byte[] { 1, 0xFF, 2, 3 }, data);
        Assert.Equal(new[] { (Rfc2217.DO, Rfc2217.COM_PORT_OPTION) }, negotiations);
        Assert.Equal(new byte[] { Rfc2217.COM_PORT_OPTION, 101, 0, 7, 0xFF, 0 }, Assert.Single(answers));
    }

    [Fact]
    public void A_port_where_nothing_listens_is_refused_with_the_address()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var e = Assert.Throws<FlashingException>(() => Rfc2217SerialLink.Open($"rfc2217://127.0.0.1:{port}"));

        Assert.Contains($"cannot connect to the RFC 2217 server rfc2217://127.0.0.1:{port}", e.Message);
    }

    [Fact]
    public void A_tcp_server_that_does_not_speak_rfc2217_is_refused_with_the_reason()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            string url = $"rfc2217://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
            var accepting = listener.AcceptTcpClientAsync();

            var e = Assert.Throws<FlashingException>(() => Rfc2217SerialLink.Open(url, timeout: TimeSpan.FromMilliseconds(300)));

            Assert.Contains("did not accept the telnet COM-PORT-OPTION", e.Message);
            accepting.Result.Dispose();
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public void A_telnet_server_that_refuses_the_com_port_option_is_refused_with_the_reason()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            string url = $"rfc2217://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
            var refusing = Task.Run(async () =>
            {
                using var client = await listener.AcceptTcpClientAsync();
                await client.GetStream().WriteAsync(new[] { Rfc2217.IAC, Rfc2217.DONT, Rfc2217.COM_PORT_OPTION });
                await Task.Delay(1000);
            });

            var e = Assert.Throws<FlashingException>(() => Rfc2217SerialLink.Open(url));

            Assert.Contains("refused the telnet COM-PORT-OPTION: it is not an RFC 2217 server", e.Message);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Theory]
    [InlineData("rfc2217://127.0.0.1")]
    [InlineData("rfc2217://:4000")]
    [InlineData("rfc2217://host:99999")]
    public void A_malformed_rfc2217_url_is_refused_before_connecting(string url)
    {
        var e = Assert.Throws<FlashingException>(() => SerialLinks.Open(url));

        Assert.Contains($"'{url}' is not rfc2217://HOST:PORT", e.Message);
    }
}
