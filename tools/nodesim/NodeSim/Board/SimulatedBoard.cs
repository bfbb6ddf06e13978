using System.Text;
using NodeSim.Provisioning;
using NodeSim.Hardware;
using NodeSim.RomBootloader;
using NodeSim.Sensors;

namespace NodeSim.Board;

/// <summary>
/// A whole ESP32 DevKit as a serial port sees it: the ROM (<see cref="SimulatedRomBootloader"/>, with DTR/RTS on
/// EN/IO0), and, after a reset with IO0 high, what the flash holds (<see cref="FlashBoot"/>): nothing bootable, or the
/// bootloader and the firmware, whose boot line and provisioning protocol share the console UART at 115200. The
/// firmware keeps its identity in the flash's nvs partition (<see cref="SpiFlashRegion"/>), so it lives exactly as
/// long as the flash holds it. Every callback runs under the ROM's lock, so firmware and ROM loader never run at once.
/// </summary>
public sealed class SimulatedBoard : ISerialChip
{
    /// <summary>The reset cause esp_restart leaves for the ROM to print.</summary>
    public const string SoftwareCpuReset = "0xc (SW_CPU_RESET)";

    /// <summary>The BME280's I2C address on the DevKit's wiring (boards/esp32-devkitc-v4.json).</summary>
    public const int SensorAddress = 0x76;

    private readonly SimulatedBoardOptions _options;
    private BoardFirmware? _firmware;
    private ITimer? _restartTimer;
    private ITimer? _windowTimer;
    private readonly object _nodeGate = new();
    private BoardNode? _node;
    private Task _nodeStopped = Task.CompletedTask;

    public SimulatedBoard(Action<byte[]> transmit, SimulatedBoardOptions? options = null)
    {
        _options = options ?? new SimulatedBoardOptions();
        SensorBus = new SimulatedI2cBus();
        if (_options.SensorChipId is int chipId)
            SensorBus.Attach(SensorAddress, new SimulatedBme280(() => _options.Rom.Time.GetUtcNow().ToUnixTimeMilliseconds(), chipId: (byte)chipId));
        Rom = new SimulatedRomBootloader(transmit, _options.Rom)
        {
            Booted = OnBooted,
            ApplicationInput = OnApplicationInput,
        };
    }

    public SimulatedRomBootloader Rom { get; }

    public SimulatedSpiFlash Flash => Rom.Flash;

    /// <summary>The board's I2C bus: the sensor of <see cref="SimulatedBoardOptions.SensorChipId"/> at <see cref="SensorAddress"/>, or nothing.</summary>
    public SimulatedI2cBus SensorBus { get; }

    public int Boots => Rom.Boots;

    /// <summary>The BOOT button: held, every reset enters the ROM's download mode.</summary>
    public bool BootButtonHeld
    {
        get => Rom.BootButtonHeld;
        set => Rom.BootButtonHeld = value;
    }

    /// <summary>The running firmware's provisioning node; null while the firmware is not running.</summary>
    public VirtualProvisioningNode? Firmware => Volatile.Read(ref _firmware)?.Node;

    /// <summary>The node the provisioned firmware runs after its re-entry window (with <see cref="SimulatedBoardOptions.Node"/>); null otherwise.</summary>
    public BoardNode? RunningNode
    {
        get { lock (_nodeGate) return _node; }
    }

    /// <summary>Completes when the node of the last boot stopped and dropped its MQTT link (a reset or power-off stops it).</summary>
    public Task NodeStopped
    {
        get { lock (_nodeGate) return _nodeStopped; }
    }

    public void SetSignals(bool dtr, bool rts) => Rom.SetSignals(dtr, rts);

    public void SetHostBaudRate(int baudRate) => Rom.SetHostBaudRate(baudRate);

    public void Receive(ReadOnlySpan<byte> bytes) => Rom.Receive(bytes);

    public void PowerOn(bool io0Low) => Rom.PowerOn(io0Low);

    public void Dispose()
    {
        Interlocked.Exchange(ref _restartTimer, null)?.Dispose();
        StopNode();
        Rom.Dispose();
        NodeStopped.Wait(TimeSpan.FromSeconds(20));
    }

    private void OnBooted(bool io0Low)
    {
        Interlocked.Exchange(ref _restartTimer, null)?.Dispose();
        StopNode();
        Volatile.Write(ref _firmware, null);
        if (io0Low)
        {
            return; // the ROM loader has the UART
        }

        var outcome = FlashBoot.Run(Rom.Flash);
        Rom.Transmit(Encoding.ASCII.GetBytes(outcome.Text));
        if (outcome.App is null)
        {
            if (outcome.RestartCause is { } cause && _options.FailedBootRestart > TimeSpan.Zero)
            {
                int boot = Rom.Boots;
                _restartTimer = _options.Rom.Time.CreateTimer(_ => Rom.Restart(cause, ifBoot: boot), null, _options.FailedBootRestart, Timeout.InfiniteTimeSpan);
            }

            return;
        }

        if (outcome.IdentityPartition is not { } config)
        {
            Rom.Transmit(Encoding.ASCII.GetBytes($"NodeFirmware {_options.FirmwareVersion}\r\nthe partition table has no config partition (I:\\) to keep the identity in; flash the board's own table\r\n"));
            return;
        }

        var firmware = new BoardFirmware(_options, new ConfigPartition(new SpiFlashRegion(Rom.Flash, (int)config.Offset, (int)config.Size)),
            new Bme280ChipIdProbe(SensorBus, SensorAddress));
        Volatile.Write(ref _firmware, firmware);
        Rom.Transmit(firmware.BootText());
        if (_options.Node is not null && firmware.Provisioned)
        {
            int boot = Rom.Boots;
            _windowTimer = _options.Rom.Time.CreateTimer(_ => StartNodeWhenWindowCloses(firmware, boot), null, TimeSpan.Zero, _options.WindowPollInterval);
        }
    }

    private void StartNodeWhenWindowCloses(BoardFirmware firmware, int boot)
    {
        lock (_nodeGate)
        {
            if (_node is not null || !ReferenceEquals(Volatile.Read(ref _firmware), firmware) || Rom.Boots != boot) return;
            if (!firmware.PollRunsNode()) return;
            if (!_nodeStopped.IsCompleted) return; // the last boot's node still finishes its step; both would write the journal
            Interlocked.Exchange(ref _windowTimer, null)?.Dispose();
            _node = BoardNode.Start(firmware, _options.Node!, _options.Rom.Time, () => Rom.Restart(SoftwareCpuReset, ifBoot: boot));
        }
    }

    /// <summary>A reset or power-off: the running node stops after the step it is in and drops its link; the boot does not wait for it.</summary>
    private void StopNode()
    {
        lock (_nodeGate)
        {
            Interlocked.Exchange(ref _windowTimer, null)?.Dispose();
            if (_node is not { } node) return;
            _node = null;
            var previous = _nodeStopped;
            _nodeStopped = Task.Run(async () =>
            {
                await previous;
                await node.DisposeAsync();
            });
        }
    }

    private void OnApplicationInput(byte[] bytes)
    {
        if (Volatile.Read(ref _firmware) is not { } firmware)
        {
            return; // running uploaded code or a broken image: nobody reads the UART
        }

        var (reply, restart) = firmware.Receive(bytes);
        if (reply.Length > 0)
        {
            Rom.Transmit(reply);
        }

        if (restart)
        {
            Rom.Restart(SoftwareCpuReset);
        }
    }
}
