namespace NodeFirmware.Bench.Wire;

/// <summary>Sizes of MQTT 3.1.1 control packets (OASIS MQTT 3.1.1, section 3) as they go on the wire, TLS excluded.</summary>
public static class MqttPacketSizes
{
    /// <summary>Fixed header: one type/flags byte and the remaining length as a 1–4 byte varint.</summary>
    public static int WithFixedHeader(int remaining) => 1 + (remaining < 128 ? 1 : remaining < 16_384 ? 2 : remaining < 2_097_152 ? 3 : 4) + remaining;

    private static int Utf8String(string s) => 2 + System.Text.Encoding.UTF8.GetByteCount(s);

    public static int Connect(string clientId, string? willTopic = null, int willPayload = 0, string? user = null) =>
        WithFixedHeader(10 + Utf8String(clientId) + (willTopic == null ? 0 : Utf8String(willTopic) + 2 + willPayload) + (user == null ? 0 : Utf8String(user)));

    public const int ConnAck = 4;

    public static int Publish(string topic, int payload, bool qos1) => WithFixedHeader(Utf8String(topic) + (qos1 ? 2 : 0) + payload);

    public const int PubAck = 4;

    public static int Subscribe(params string[] filters) => WithFixedHeader(2 + filters.Sum(f => Utf8String(f) + 1));

    public static int SubAck(int filters) => WithFixedHeader(2 + filters);

    public const int Disconnect = 2;
}
