using NodeFirmware.Core.Energy;
using NodeFirmware.HostCommon.Partitions;

namespace NodeFirmware.HostCommon.Boards;

/// <summary>A board file that passed validation, with its partition table parsed.</summary>
public sealed class Board
{
    internal Board(BoardFile file, string path, PartitionTable partitions, string partitionTablePath, FlashLayout flashLayout, int bme280Address)
    {
        File = file;
        Path = path;
        Partitions = partitions;
        PartitionTablePath = partitionTablePath;
        FlashLayout = flashLayout;
        Bme280Address = bme280Address;
    }

    public BoardFile File { get; }
    public string Path { get; }
    public string Name => File.Name;
    public PartitionTable Partitions { get; }
    public string PartitionTablePath { get; }

    /// <summary>Which image goes at which offset on this board.</summary>
    public FlashLayout FlashLayout { get; }
    public int Bme280Address { get; }

    /// <summary>ADC1 channel of the battery sense pin, or -1 without one.</summary>
    public int BatteryAdcChannel => File.Battery == null ? -1 : ChipPins.For(File.Chip)!.Adc1Channel(File.Battery.AdcPin);

    /// <summary>Core's power profile, the input of <see cref="EnergyModel"/>.</summary>
    public PowerProfile ToPowerProfile()
    {
        var f = File.PowerProfile;
        return new PowerProfile
        {
            Name = File.Name,
            BootMilliseconds = f.BootMilliseconds.Value,
            BootMilliamps = f.BootMilliamps.Value,
            SampleMilliseconds = f.SampleMilliseconds.Value,
            SampleMilliamps = f.SampleMilliamps.Value,
            WifiConnectMilliseconds = f.WifiConnectMilliseconds.Value,
            WifiConnectMilliamps = f.WifiConnectMilliamps.Value,
            DhcpMilliseconds = f.DhcpMilliseconds.Value,
            TlsHandshakeMilliseconds = f.TlsHandshakeMilliseconds.Value,
            TlsHandshakeMilliamps = f.TlsHandshakeMilliamps.Value,
            PublishMillisecondsPerMessage = f.PublishMillisecondsPerMessage.Value,
            PublishMillisecondsPerKilobyte = f.PublishMillisecondsPerKilobyte.Value,
            RadioActiveMilliamps = f.RadioActiveMilliamps.Value,
            LightSleepMilliamps = f.LightSleepMilliamps.Value,
            DeepSleepMilliamps = f.DeepSleepMilliamps.Value,
            BatteryCapacityMilliampHours = f.BatteryCapacityMilliampHours.Value,
            BatteryUsableFraction = f.BatteryUsableFraction.Value,
        };
    }
}
