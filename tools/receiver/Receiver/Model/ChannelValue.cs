namespace NodeFirmware.Receiver.Model;

/// <summary>
/// One value of one channel of a reading, in the channel's SenML unit. A value type: every reading carries a few, and
/// as objects they were most of what the ingest allocated per reading.
/// </summary>
public readonly record struct ChannelValue(string Channel, string Unit, double Value);
