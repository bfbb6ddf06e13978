namespace NodeFirmware.Receiver.Model;

/// <summary>Where a stored reading's time comes from.</summary>
public enum TimeSource
{
    /// <summary>The device's clock, within the plausible window.</summary>
    Device = 0,

    /// <summary>The device's clock was never set (t = 0 in the batch); the receiver's receive time is stored.</summary>
    Unset = 1,

    /// <summary>The device's time was before 2020 or too far in the future; the receiver's receive time is stored.</summary>
    Skewed = 2,
}
