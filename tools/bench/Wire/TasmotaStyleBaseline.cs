using System.Globalization;

namespace NodeFirmware.Bench.Wire;

/// <summary>
/// The baseline: one JSON message per reading, shaped as Tasmota publishes a BME280 on
/// tele/&lt;topic&gt;/SENSOR (time, the sensor's object with temperature, humidity, dew point and
/// pressure, and the unit fields), sent by a node that wakes, connects, publishes and sleeps.
/// </summary>
public static class TasmotaStyleBaseline
{
    public static string Message(DateTime time, double celsius, double humidity, double hectopascal)
    {
        double dewPoint = DewPoint(celsius, humidity);
        return string.Create(CultureInfo.InvariantCulture,
            $"{{\"Time\":\"{time:yyyy-MM-ddTHH:mm:ss}\",\"BME280\":{{\"Temperature\":{celsius:0.0},\"Humidity\":{humidity:0.0},\"DewPoint\":{dewPoint:0.0},\"Pressure\":{hectopascal:0.0}}},\"PressureUnit\":\"hPa\",\"TempUnit\":\"C\"}}");
    }

    public static string Topic(string device) => $"tele/{device}/SENSOR";

    /// <summary>Wire bytes of one wake: CONNECT with Tasmota's LWT, CONNACK, PUBLISH (QoS 1 for parity) + PUBACK, DISCONNECT.</summary>
    public static int SessionBytes(string device, string json) =>
        MqttPacketSizes.Connect(device, $"tele/{device}/LWT", "Offline".Length)
        + MqttPacketSizes.ConnAck
        + MqttPacketSizes.Publish(Topic(device), System.Text.Encoding.UTF8.GetByteCount(json), qos1: true)
        + MqttPacketSizes.PubAck
        + MqttPacketSizes.Disconnect;

    // Magnus formula, as sensor firmwares report a dew point beside humidity.
    private static double DewPoint(double t, double rh)
    {
        double gamma = Math.Log(Math.Max(rh, 0.1) / 100) + 17.62 * t / (243.12 + t);
        return 243.12 * gamma / (17.62 - gamma);
    }
}
