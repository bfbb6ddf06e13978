namespace NodeFirmware.Receiver.Vitals;

/// <summary>One device's part of a cohort's vitals query: its samples received from <see cref="FromMs"/> (Unix ms) on.</summary>
public sealed record VitalsWindow(string DeviceId, long FromMs);
