using System.CommandLine;
using System.IO.Ports;
using NodeFirmware.Nodectl.Output;

namespace NodeFirmware.Nodectl.Ports;

/// <summary>
/// "nodectl ports [--json]": the serial ports a board may be on, with USB vendor/product ids, the bridge chip's
/// name, serial number and the stable /dev/serial/by-id paths (Linux). Elsewhere: the port names only.
/// </summary>
public static class PortsCommand
{
    public static Command Create() => Create("/");

    /// <summary>The command reading sysfs and /dev under <paramref name="systemRoot"/> (tests give a built tree).</summary>
    public static Command Create(string systemRoot)
    {
        var json = JsonResult.Option();
        var command = new Command("ports", "List serial ports with USB VID:PID, bridge chip, serial number and /dev/serial/by-id paths") { json };
        command.SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var sysfs = new SysfsSerialPorts(systemRoot);
            IReadOnlyList<SerialPortInfo> ports = sysfs.Available
                ? sysfs.List()
                : SerialPort.GetPortNames().Order().Select(p => new SerialPortInfo(p, null, null, null, null, null, null, Array.Empty<string>())).ToList();
            if (parseResult.GetValue(json))
            {
                JsonResult.Write(output, new { ports });
                return 0;
            }

            if (ports.Count == 0)
            {
                output.WriteLine("No serial ports found. Plug the board in (a data cable, not a charge-only one) and run nodectl ports again;");
                output.WriteLine("on Linux, dmesg shows whether the USB bridge was detected.");
                return 0;
            }

            foreach (var p in ports)
            {
                string usb = p.Vid is null ? "(not USB)" : $"{p.Vid}:{p.Pid} {p.Bridge ?? p.Product ?? "unknown USB device"}";
                string serial = p.SerialNumber is null ? "" : $"  serial {p.SerialNumber}";
                output.WriteLine($"{p.Port,-14} {usb}{serial}");
                foreach (string link in p.ByIdPaths)
                {
                    output.WriteLine($"{"",-14} {link}");
                }
            }

            return 0;
        });
        return command;
    }
}
