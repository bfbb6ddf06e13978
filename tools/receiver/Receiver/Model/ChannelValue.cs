namespace NodeFirmware.Receiver.Model;

/// <summary>One value of one channel of a reading, in the channel's SenML unit.</summary>
public sealed record ChannelValue(string Channel, string Unit, double Value);
