using System.Text;
using NodeFirmware.Core.Provisioning;
using NodeSim.Provisioning;

namespace NodeSim.Board;

/// <summary>
/// The firmware as the board runs it after the bootloader: its boot line on the console UART (Core's
/// <see cref="BootIdentity.ConsoleLine"/>, as the device prints it), then Core's provisioning through
/// <see cref="VirtualProvisioningNode"/> over the SPI flash's identity partition. A REBOOT request restarts the chip.
/// </summary>
internal sealed class BoardFirmware
{
    /// <summary>What the device firmware appends in provisioning mode (firmware/NodeFirmware.Device/ProvisioningMode.cs).</summary>
    public const string ProvisioningUart = " on the console UART (COM2 on GPIO1 TX, GPIO3 RX)";

    private readonly SimulatedBoardOptions _options;

    public BoardFirmware(SimulatedBoardOptions options, SpiFlashRegion identity)
    {
        _options = options;
        Node = new VirtualProvisioningNode(options.Rom.Mac, options.FirmwareVersion, identity);
    }

    public VirtualProvisioningNode Node { get; }

    public bool Provisioned => Node.Identity.RunsNode;

    public byte[] BootText()
    {
        string line = Node.Identity.ConsoleLine() + (Provisioned ? "" : ProvisioningUart);
        return Encoding.ASCII.GetBytes($"NodeFirmware {_options.FirmwareVersion}\r\n{line}\r\n");
    }

    /// <summary>Bytes from the console UART; returns the reply and whether the firmware asked for a restart.</summary>
    public (byte[] Reply, bool Restart) Receive(byte[] bytes)
    {
        if (Provisioned && !_options.ProvisionedAnswers)
        {
            return ([], false);
        }

        int boots = Node.Boots;
        byte[] reply = Node.Receive(bytes);
        return (reply, Node.Boots != boots);
    }
}
