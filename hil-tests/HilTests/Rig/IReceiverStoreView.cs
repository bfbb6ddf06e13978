using NodeFirmware.Receiver.Storage;

namespace NodeFirmware.HilTests.Rig;

/// <summary>Read-only view of the receiver's store: the only place scenarios take their verdicts from.</summary>
public interface IReceiverStoreView
{
    Task<long> CountReadingsAsync(string deviceId);

    /// <summary>Every stored reading of the device, oldest first.</summary>
    Task<IReadOnlyList<StoredReading>> ReadingsAsync(string deviceId);

    Task<DeviceRecord?> DeviceAsync(string deviceId);

    Task<StoreCounts> CountsAsync();
}
