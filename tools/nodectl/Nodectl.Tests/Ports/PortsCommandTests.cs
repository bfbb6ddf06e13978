using System.Text.Json;
using NodeFirmware.Nodectl.Ports;
using NodeFirmware.Nodectl.Tests.Partitions;

namespace NodeFirmware.Nodectl.Tests.Ports;

/// <summary>
/// "nodectl ports" over a sysfs tree built like a Linux host's: class/tty entries are links into /sys/devices, whose
/// "device" links are relative to where they really are; USB ids sit on the USB device above the tty's interface.
/// </summary>
public sealed class PortsCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("nodectl-sysfs-").FullName;

    public PortsCommandTests()
    {
        const string usb = "sys/devices/pci0000:00/0000:00:14.0/usb1";

        // CP2102N through the usb-serial driver: ttyUSB0's device is the usb-serial port below the interface.
        UsbDevice($"{usb}/1-2", "10c4", "ea60", "Silicon Labs", "CP2102N USB to UART Bridge Controller", "0001");
        Tty("ttyUSB0", $"{usb}/1-2/1-2:1.0/ttyUSB0");
        Link("dev/serial/by-id/usb-Silicon_Labs_CP2102N_USB_to_UART_Bridge_Controller_0001-if00-port0", "../../ttyUSB0");

        // ESP32-S3's own USB-Serial/JTAG through cdc_acm: ttyACM0's device is the interface itself.
        UsbDevice($"{usb}/1-3", "303a", "1001", "Espressif", "USB JTAG/serial debug unit", "F4:12:FA:00:11:22");
        Tty("ttyACM0", $"{usb}/1-3/1-3:1.0");
        Link("dev/serial/by-id/usb-Espressif_USB_JTAG_serial_debug_unit_F4:12:FA:00:11:22-if00", "../../ttyACM0");

        // A bridge nodectl does not know by name.
        UsbDevice($"{usb}/1-4", "067b", "2303", "Prolific", "USB-Serial Controller", null);
        Tty("ttyUSB1", $"{usb}/1-4/1-4:1.0/ttyUSB1");

        // A legacy 8250 port (exists whether or not a UART is wired) and a virtual console: both left out.
        Directory.CreateDirectory(Path.Combine(_root, "sys/bus/platform"));
        Tty("ttyS0", "sys/devices/platform/serial8250");
        Link("sys/devices/platform/serial8250/subsystem", "../../../bus/platform");
        Directory.CreateDirectory(Path.Combine(_root, "sys/devices/virtual/tty/tty0"));
        Link("sys/class/tty/tty0", "../../devices/virtual/tty/tty0");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Lists_usb_ports_with_ids_bridge_names_and_by_id_paths()
    {
        var (exit, output, _) = CommandRunner.Run(PortsCommand.Create(_root), "ports");

        Assert.Equal(0, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd()).ToList();
        Assert.Contains(lines, l => l.StartsWith("/dev/ttyACM0") && l.Contains("303a:1001 Espressif USB-Serial/JTAG") && l.Contains("serial F4:12:FA:00:11:22"));
        Assert.Contains(lines, l => l.StartsWith("/dev/ttyUSB0") && l.Contains("10c4:ea60 Silicon Labs CP210x") && l.Contains("serial 0001"));
        Assert.Contains(lines, l => l.StartsWith("/dev/ttyUSB1") && l.Contains("067b:2303 USB-Serial Controller"));
        Assert.Contains(lines, l => l.Trim() == "/dev/serial/by-id/usb-Silicon_Labs_CP2102N_USB_to_UART_Bridge_Controller_0001-if00-port0");
        Assert.DoesNotContain("ttyS0", output);
        Assert.DoesNotContain("tty0", output);
    }

    [Fact]
    public void Json_gives_one_object_with_every_port()
    {
        var (exit, output, _) = CommandRunner.Run(PortsCommand.Create(_root), "ports", "--json");

        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(output);
        var ports = doc.RootElement.GetProperty("ports").EnumerateArray().ToDictionary(p => p.GetProperty("port").GetString()!);
        Assert.Equal(["/dev/ttyACM0", "/dev/ttyUSB0", "/dev/ttyUSB1"], ports.Keys.Order());
        var cp2102 = ports["/dev/ttyUSB0"];
        Assert.Equal("10c4", cp2102.GetProperty("vid").GetString());
        Assert.Equal("ea60", cp2102.GetProperty("pid").GetString());
        Assert.Equal("Silicon Labs CP210x", cp2102.GetProperty("bridge").GetString());
        Assert.Equal("0001", cp2102.GetProperty("serialNumber").GetString());
        Assert.Equal(
            "/dev/serial/by-id/usb-Silicon_Labs_CP2102N_USB_to_UART_Bridge_Controller_0001-if00-port0",
            Assert.Single(cp2102.GetProperty("byIdPaths").EnumerateArray()).GetString());
        Assert.False(ports["/dev/ttyUSB1"].TryGetProperty("bridge", out _));
        Assert.Equal("Espressif USB-Serial/JTAG (ESP32-S3/C3 built-in)", ports["/dev/ttyACM0"].GetProperty("bridge").GetString());
    }

    [Fact]
    public void No_ports_says_what_to_check()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_root, "empty"));
        Directory.CreateDirectory(Path.Combine(empty.FullName, "sys/class/tty"));

        var (exit, output, _) = CommandRunner.Run(PortsCommand.Create(empty.FullName), "ports");

        Assert.Equal(0, exit);
        Assert.Contains("No serial ports found", output);
    }

    private void UsbDevice(string dir, string vid, string pid, string manufacturer, string product, string? serial)
    {
        string path = Path.Combine(_root, dir);
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, "idVendor"), vid + "\n");
        File.WriteAllText(Path.Combine(path, "idProduct"), pid + "\n");
        File.WriteAllText(Path.Combine(path, "manufacturer"), manufacturer + "\n");
        File.WriteAllText(Path.Combine(path, "product"), product + "\n");
        if (serial is not null)
        {
            File.WriteAllText(Path.Combine(path, "serial"), serial + "\n");
        }
    }

    /// <summary>sys/class/tty/NAME → DEVICE/tty/NAME, whose "device" link points back up at DEVICE.</summary>
    private void Tty(string name, string device)
    {
        Directory.CreateDirectory(Path.Combine(_root, device, "tty", name));
        Link($"{device}/tty/{name}/device", "../..");
        Link($"sys/class/tty/{name}", Path.GetRelativePath(Path.Combine(_root, "sys/class/tty"), Path.Combine(_root, device, "tty", name)));
    }

    private void Link(string path, string relativeTarget)
    {
        string full = Path.Combine(_root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        Directory.CreateSymbolicLink(full, relativeTarget);
    }
}
