using System.Text;
using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Provisioning;
using NodeSim.Provisioning;

namespace NodeSim.Board;

/// <summary>
/// The firmware as the board runs it after the bootloader: its boot line on the console UART (Core's
/// <see cref="BootIdentity.ConsoleLine"/>, as the device prints it), then Core's provisioning through
/// <see cref="VirtualProvisioningNode"/> over the SPI flash's identity partition. A REBOOT request restarts the chip.
/// A provisioned board keeps its re-entry window open on the device's schedule (Core's <see cref="ReentryWindow"/>,
/// in the board's time): bytes that arrive after it closed are not answered, as the running node does not read the UART.
/// SELF_TEST reads the board's sensor through the probe it is given and checks storage on the config partition's scratch sector.
/// </summary>
internal sealed class BoardFirmware
{
    /// <summary>What the device firmware appends in provisioning mode (firmware/NodeFirmware.Device/ProvisioningMode.cs).</summary>
    public const string ProvisioningUart = " on the console UART (COM2 on GPIO1 TX, GPIO3 RX)";

    private readonly SimulatedBoardOptions _options;
    private readonly long _startedAt;
    private readonly ReentryWindow? _window;
    private readonly object _gate = new();

    public BoardFirmware(SimulatedBoardOptions options, ConfigPartition config, ISensorProbe sensor)
    {
        _options = options;
        _startedAt = options.Rom.Time.GetTimestamp();
        Config = config;
        if (options.FactoryImage is { } image) config.InstallFactoryImage(image);
        Version = config.RunningVersion(options.FirmwareVersion);
        Node = new VirtualProvisioningNode(options.Rom.Mac, Version, config.Region, ConfigPartition.IdentityFirstSector);
        Node.EnableSelfTest(sensor, config.SelfTestScratch);
        if (Node.WindowOpen) _window = new ReentryWindow(Node.Session, 0);
    }

    public VirtualProvisioningNode Node { get; }

    public SimulatedBoardOptions Options => _options;

    /// <summary>Where the firmware keeps identity, boot state and slots.</summary>
    public ConfigPartition Config { get; }

    /// <summary>What this boot runs: the version of the boot state's running slot after an update, else the built-in firmware's.</summary>
    public string Version { get; }

    public bool Provisioned => Node.Identity.RunsNode;

    public byte[] BootText()
    {
        string line = Node.Identity.ConsoleLine() + (Provisioned ? "" : ProvisioningUart);
        return Encoding.ASCII.GetBytes($"NodeFirmware {Version}\r\n{line}\r\n");
    }

    /// <summary>Bytes from the console UART; returns the reply and whether the firmware asked for a restart.</summary>
    public (byte[] Reply, bool Restart) Receive(byte[] bytes)
    {
        if (Provisioned && !_options.ProvisionedAnswers)
        {
            return ([], false);
        }

        lock (_gate)
        {
            PollWindowLocked();
            int boots = Node.Boots;
            byte[] reply = Node.Receive(bytes);
            if (_window is not null && Node.WindowOpen) _window.Poll(MillisSinceStart()); // an answered request keeps the window open
            return (reply, Node.Boots != boots);
        }
    }

    /// <summary>
    /// Whether the node runs now: the re-entry window closed untouched (or the firmware has none). Called from the
    /// board's timer as well as on input, so the node starts when the window closes, not when the next byte arrives.
    /// </summary>
    public bool PollRunsNode()
    {
        if (Provisioned && !_options.ProvisionedAnswers) return true;
        lock (_gate)
        {
            PollWindowLocked();
            return Node.RunningNode;
        }
    }

    private void PollWindowLocked()
    {
        if (_window is not null && Node.WindowOpen && _window.Poll(MillisSinceStart()) == ReentryStep.RunNode) Node.WindowElapsed();
    }

    private long MillisSinceStart() =>
        Math.Max(0, (long)(_options.Rom.Time.GetElapsedTime(_startedAt) - _options.ReentryWindowSlack).TotalMilliseconds);
}
