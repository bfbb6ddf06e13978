using NodeFirmware.Receiver.Model;

namespace NodeFirmware.Receiver.Decoding;

/// <summary>One reading expanded from a batch, before validation. DeviceTime is t + the running sum of dt.</summary>
public sealed record DecodedReading(ReadingKey Key, long DeviceTime, IReadOnlyList<ChannelValue> Values, string? Fault);
