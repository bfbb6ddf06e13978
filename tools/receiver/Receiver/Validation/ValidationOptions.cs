namespace NodeFirmware.Receiver.Validation;

public sealed class ValidationOptions
{
    /// <summary>A reading further in the future than this (by the receiver's clock) has a skewed clock.</summary>
    public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A device time before this is not a set clock (the RTC counts from 1970 after a power loss).</summary>
    public DateTimeOffset EarliestDeviceTime { get; set; } = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
}
