namespace NodeFirmware.Nodectl.Ports;

/// <summary>
/// Lists serial ports on Linux from sysfs: each /sys/class/tty/NAME whose "device" link leads to a real device, with
/// the USB ids of the first ancestor that has an idVendor file (the USB device above the tty's interface), and the
/// /dev/serial/by-id links udev made for it. <paramref name="root"/> is "/" on a real system; tests build a tree.
/// </summary>
public sealed class SysfsSerialPorts(string root)
{
    private string TtyClass => Path.Combine(root, "sys", "class", "tty");

    private string ById => Path.Combine(root, "dev", "serial", "by-id");

    public bool Available => Directory.Exists(TtyClass);

    public IReadOnlyList<SerialPortInfo> List()
    {
        var byId = ByIdLinks();
        var ports = new List<SerialPortInfo>();
        foreach (string tty in Directory.EnumerateFileSystemEntries(TtyClass).Order(StringComparer.Ordinal))
        {
            string name = Path.GetFileName(tty);
            string? device = Resolve(Path.Combine(Follow(tty), "device"));
            // No device: a virtual terminal (tty0, ptmx). Platform 8250 ports (ttyS*) exist whether or not a UART is
            // wired to them, as pyserial's list_ports also assumes; they are left out.
            if (device is null || Subsystem(device) == "platform")
            {
                continue;
            }

            string port = "/dev/" + name;
            var links = byId.TryGetValue(name, out var l) ? l : new List<string>();
            string? usb = UsbDeviceAbove(device);
            if (usb is null)
            {
                ports.Add(new SerialPortInfo(port, null, null, null, null, null, null, links));
                continue;
            }

            string vid = ReadAttribute(usb, "idVendor") ?? "";
            string pid = ReadAttribute(usb, "idProduct") ?? "";
            ports.Add(new SerialPortInfo(
                port, vid, pid, UsbSerialBridges.Name(vid, pid),
                ReadAttribute(usb, "manufacturer"), ReadAttribute(usb, "product"), ReadAttribute(usb, "serial"), links));
        }

        return ports;
    }

    /// <summary>tty name → the by-id paths (as /dev/serial/by-id/...) that point at it.</summary>
    private Dictionary<string, List<string>> ByIdLinks()
    {
        var links = new Dictionary<string, List<string>>();
        if (!Directory.Exists(ById))
        {
            return links;
        }

        foreach (string link in Directory.EnumerateFileSystemEntries(ById).Order(StringComparer.Ordinal))
        {
            if (new FileInfo(link).LinkTarget is { } target)
            {
                string tty = Path.GetFileName(target);
                if (!links.TryGetValue(tty, out var list))
                {
                    links[tty] = list = new List<string>();
                }

                list.Add("/dev/serial/by-id/" + Path.GetFileName(link));
            }
        }

        return links;
    }

    private static string? UsbDeviceAbove(string device)
    {
        for (string? dir = device; dir is not null && dir.Length > 1; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "idVendor")))
            {
                return dir;
            }
        }

        return null;
    }

    private static string? Subsystem(string device) =>
        Resolve(Path.Combine(device, "subsystem")) is { } s ? Path.GetFileName(s) : null;

    /// <summary>The directory a sysfs link points at, or null when <paramref name="link"/> is not a link to one.</summary>
    private static string? Resolve(string link)
    {
        if (new DirectoryInfo(link).LinkTarget is null)
        {
            return null;
        }

        string target = Follow(link);
        return Directory.Exists(target) ? target : null;
    }

    /// <summary>
    /// Follows symbolic links one at a time, each relative to the directory it sits in. The directory holding the
    /// link must already be a real path: sysfs's /sys/class/tty/NAME is itself a link, and its "device" link is
    /// relative to where NAME really is.
    /// </summary>
    private static string Follow(string path)
    {
        for (int hops = 0; hops < 40 && new FileInfo(path).LinkTarget is { } target; hops++)
        {
            path = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, target));
        }

        return path;
    }

    private static string? ReadAttribute(string dir, string name)
    {
        string path = Path.Combine(dir, name);
        return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
    }
}
