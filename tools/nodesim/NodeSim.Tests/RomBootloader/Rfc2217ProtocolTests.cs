using NodeSim.RomBootloader.Rfc2217;

namespace NodeSim.Tests.RomBootloader;

/// <summary>The telnet and RFC 2217 pieces of the server, byte by byte.</summary>
public class Rfc2217ProtocolTests
{
    [Fact]
    public void Decoder_undoubles_iac_in_data_and_keeps_state_across_tcp_segments()
    {
        var decoder = new TelnetDecoder();

        var first = decoder.Push(new byte[] { 0x01, 0xFF });
        var second = decoder.Push(new byte[] { 0xFF, 0x02, 0xFF, 0xFB });
        var third = decoder.Push(new byte[] { 0x2C, 0x03 });

        Assert.Equal(new byte[] { 0x01 }, Assert.Single(first).Bytes);
        Assert.Equal(new byte[] { 0xFF, 0x02 }, Assert.Single(second).Bytes);
        Assert.Equal(TelnetEventKind.Negotiation, third[0].Kind);
        Assert.Equal((Telnet.WILL, Telnet.COM_PORT_OPTION), (third[0].Verb, third[0].Option));
        Assert.Equal(new byte[] { 0x03 }, third[1].Bytes);
    }

    [Fact]
    public void Decoder_returns_subnegotiations_with_doubled_iac_undone()
    {
        var events = new TelnetDecoder().Push(new byte[] { 0xFF, 0xFA, 0x2C, 0x01, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xF0, 0x55 });

        Assert.Equal(TelnetEventKind.Subnegotiation, events[0].Kind);
        Assert.Equal(new byte[] { 0x2C, 0x01, 0x00, 0x00, 0xFF }, events[0].Bytes);
        Assert.Equal(new byte[] { 0x55 }, events[1].Bytes);
    }

    [Fact]
    public void Server_data_doubles_iac()
    {
        Assert.Equal(new byte[] { 0xC0, 0xFF, 0xFF, 0x01 }, Telnet.EscapeData(new byte[] { 0xC0, 0xFF, 0x01 }));
        Assert.Equal(new byte[] { 0xFF, 0xFA, 0x2C, 0x65, 0xFF, 0xFF, 0xFF, 0xF0 }, Telnet.Subnegotiation(0x2C, new byte[] { 0x65, 0xFF }));
    }

    [Fact]
    public void Options_are_agreed_once_and_echo_is_refused()
    {
        var table = new TelnetOptionTable();
        var offers = table.Offer().ToList();

        Assert.Equal(new byte[] { 0xFF, Telnet.WILL, Telnet.BINARY }, offers[0]);
        Assert.Null(table.Receive(Telnet.DO, Telnet.BINARY));                                   // answers our offer
        Assert.Equal(new byte[] { 0xFF, Telnet.DO, Telnet.COM_PORT_OPTION }, table.Receive(Telnet.WILL, Telnet.COM_PORT_OPTION));
        Assert.Null(table.Receive(Telnet.WILL, Telnet.COM_PORT_OPTION));                        // no loop
        Assert.Equal(new byte[] { 0xFF, Telnet.WONT, Telnet.ECHO }, table.Receive(Telnet.DO, Telnet.ECHO));
        Assert.True(table.ClientUsesComPortOption);
        Assert.True(table.LocalEnabled(Telnet.BINARY));
    }

    [Fact]
    public void Classic_reset_release_is_applied_as_a_pair_and_everything_else_as_it_comes()
    {
        var applied = new List<(bool, bool)>();
        var relay = new ControlLineRelay((dtr, rts) => applied.Add((dtr, rts)), ControlLinePolicy.CompleteClassicReset);

        relay.SetDtr(true);  // pyserial's open: DTR then RTS asserted, nothing reset
        relay.SetRts(true);
        relay.SetDtr(false); // esptool's ClassicReset
        relay.SetRts(true);
        relay.SetDtr(true);
        relay.SetRts(false);
        relay.SetDtr(true);
        relay.SetDtr(false);

        Assert.Equal(new[] { (true, false), (true, true), (false, true), (true, true), (true, false), (false, false) }, applied);
        Assert.Equal(1, relay.CompletedResets);
    }

    [Fact]
    public void Pass_through_applies_every_change_when_it_arrives()
    {
        var applied = new List<(bool, bool)>();
        var relay = new ControlLineRelay((dtr, rts) => applied.Add((dtr, rts)), ControlLinePolicy.PassThrough);

        relay.SetRts(true);
        relay.SetDtr(true);
        relay.SetRts(false);

        Assert.Equal(new[] { (false, true), (true, true), (true, false) }, applied);
    }

    [Fact]
    public void Com_port_commands_are_answered_with_command_plus_100_and_the_value_in_effect()
    {
        var port = new FakePort();
        var log = new List<string>();
        var session = new ComPortSession(port, log.Add);

        var baud = session.Handle(new byte[] { ComPortOption.SET_BAUDRATE, 0x00, 0x0E, 0x10, 0x00 });
        var parity = session.Handle(new byte[] { ComPortOption.SET_PARITY, 3 });
        var dtr = session.Handle(new byte[] { ComPortOption.SET_CONTROL, ComPortOption.CONTROL_DTR_ON });
        var askDtr = session.Handle(new byte[] { ComPortOption.SET_CONTROL, ComPortOption.CONTROL_REQUEST_DTR });
        var purge = session.Handle(new byte[] { ComPortOption.PURGE_DATA, ComPortOption.PURGE_BOTH });
        var modem = session.Handle(new byte[] { ComPortOption.SET_MODEMSTATE_MASK, 0x30 });

        Assert.Equal(921600, port.BaudRate);
        Assert.Equal(new byte[] { 0xFF, 0xFA, 0x2C, 101, 0x00, 0x0E, 0x10, 0x00, 0xFF, 0xF0 }, baud);
        Assert.Equal(new byte[] { 0xFF, 0xFA, 0x2C, 103, ComPortOption.PARITY_NONE, 0xFF, 0xF0 }, parity); // even parity refused
        Assert.Contains(log, l => l.Contains("parity"));
        Assert.Equal(new byte[] { 0xFF, 0xFA, 0x2C, 105, ComPortOption.CONTROL_DTR_ON, 0xFF, 0xF0 }, dtr);
        Assert.Equal(dtr, askDtr);
        Assert.True(port.Lines.Dtr);
        Assert.Equal(new byte[] { 0xFF, 0xFA, 0x2C, 112, ComPortOption.PURGE_BOTH, 0xFF, 0xF0 }, purge);
        Assert.Equal(1, port.Purges);
        Assert.Equal(new byte[] { 0xFF, 0xFA, 0x2C, 111, 0x30, 0xFF, 0xF0 }, modem);
    }

    private sealed class FakePort : IComPortTarget
    {
        public int BaudRate { get; private set; } = 115200;

        public ControlLineRelay Lines { get; } = new((_, _) => { }, ControlLinePolicy.PassThrough);

        public int Purges { get; private set; }

        public void SetBaudRate(int baudRate) => BaudRate = baudRate;

        public void SuspendOutput(bool suspend)
        {
        }

        public void PurgeHeldOutput() => Purges++;
    }
}
