using System.Text.RegularExpressions;
using NodeFirmware.HostCommon.Tests.Partitions;

namespace NodeFirmware.HostCommon.Tests.Boards;

/// <summary>
/// The factory fixture has one USB cable, to the console UART: the device's provisioning mode, docs/provisioning.md,
/// the HIL rig description and docs/device-apis.md must all name that line (issue 16: the firmware listened on
/// GPIO16/17 while the docs said console UART). The device code is not compiled here, so its constants are read.
/// </summary>
public class ProvisioningUartTests
{
    private static string Mode => RepoFiles.Read("firmware", "NodeFirmware.Device", "ProvisioningMode.cs");

    private static int Constant(string name)
    {
        var m = Regex.Match(Mode, $@"public const int {name} = (\d+);");
        Assert.True(m.Success, $"ProvisioningMode.cs declares no int constant {name}");
        return int.Parse(m.Groups[1].Value);
    }

    [Fact]
    public void Provisioning_mode_routes_COM2_onto_the_console_pins_before_opening_it()
    {
        // ESP32 UART0: U0TXD is GPIO1, U0RXD is GPIO3 (the pins the USB-serial bridge is wired to).
        Assert.Equal(1, Constant("TxPin"));
        Assert.Equal(3, Constant("RxPin"));
        Assert.Equal(115200, Constant("BaudRate"));
        // nanoCLR refuses to open COM1 (UART0, its debugger's): the mode must use COM2 on those pins.
        Assert.Matches(@"public const string PortName = ""COM2"";", Mode);
        int tx = Mode.IndexOf("Configuration.SetPinFunction(TxPin, DeviceFunction.COM2_TX)", StringComparison.Ordinal);
        int rx = Mode.IndexOf("Configuration.SetPinFunction(RxPin, DeviceFunction.COM2_RX)", StringComparison.Ordinal);
        int open = Mode.IndexOf("port.Open()", StringComparison.Ordinal);
        Assert.True(tx >= 0 && rx >= 0, "the pins are not mapped to COM2_TX/COM2_RX");
        Assert.True(open > tx && open > rx, "the pin map is read when the port opens: SetPinFunction must come first");
        Assert.Contains("new SerialPort(PortName, BaudRate)", Mode);
    }

    [Fact]
    public void Docs_and_rig_name_the_console_uart_and_no_other_provisioning_pins()
    {
        string provisioning = RepoFiles.Read("docs", "provisioning.md");
        Assert.Contains("console UART", provisioning);
        Assert.Contains("GPIO1 TX / GPIO3 RX", provisioning);
        Assert.Contains("same `--port` for `flash` and `provision`", provisioning);
        Assert.Contains("GPIO1/GPIO3", RepoFiles.Read("docs", "hil.md"));
        string apis = RepoFiles.Read("docs", "device-apis.md");
        Assert.Contains("## Provisioning UART", apis);
        Assert.Contains("GPIO1 TX / GPIO3 RX", apis);
        foreach (string doc in new[] { provisioning, apis, RepoFiles.Read("docs", "hil.md"), Mode })
            Assert.DoesNotMatch(@"GPIO ?1[67]\b", doc);
    }
}
