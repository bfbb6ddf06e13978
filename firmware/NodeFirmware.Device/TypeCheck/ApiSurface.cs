// The slice of the nanoFramework class libraries that NodeFirmware.Device and NodeFirmware.Loader call, declared
// (not implemented) so the device code can be type-checked without the nanoFramework packages. Every member
// is listed with its source in docs/device-apis.md; add a member there first, then here.
using System;
using System.Collections;
namespace System.IO {
  public enum SeekOrigin { Begin, Current, End }
  public enum FileMode { CreateNew = 1, Create, Open, OpenOrCreate, Truncate, Append }
  public enum FileAccess { Read = 1, Write, ReadWrite }
  public enum FileShare { None = 0, Read = 1, Write = 2, ReadWrite = 3 }
  public abstract class Stream : IDisposable { public void Dispose() {} public abstract long Length { get; } public abstract long Seek(long o, SeekOrigin s); public abstract int Read(byte[] b, int o, int c); public abstract void Write(byte[] b, int o, int c); public abstract void Flush(); public abstract void SetLength(long v); }
  public class FileStream : Stream { public FileStream(string p, FileMode m, FileAccess a, FileShare s) {} public override long Length => 0; public override long Seek(long o, SeekOrigin s) => 0; public override int Read(byte[] b, int o, int c) => 0; public override void Write(byte[] b, int o, int c) {} public override void Flush() {} public override void SetLength(long v) {} }
  public static class File { public static bool Exists(string p) => false; public static void Delete(string p) {} }
  public class DirectoryInfo {}
  public static class Directory { public static bool Exists(string p) => false; public static DirectoryInfo CreateDirectory(string p) => null; public static string[] GetFiles(string p) => null; }
  public static class Path { public static string GetDirectoryName(string p) => null; public static string GetFileName(string p) => null; }
}
namespace System.IO.Ports {
  public enum Parity { None, Odd, Even, Mark, Space }
  public enum StopBits { None, One, Two, OnePointFive }
  public class SerialPort : IDisposable { public SerialPort(string portName, int baudRate = 9600, Parity parity = Parity.None, int dataBits = 8, StopBits stopBits = StopBits.One) {} public void Open() {} public void Close() {} public int BytesToRead => 0; public int Read(byte[] b, int o, int c) => 0; public void Write(byte[] b, int o, int c) {} public void Dispose() {} }
}
namespace System.Threading {
  public struct CancellationToken {}
  public class CancellationTokenSource { public CancellationTokenSource(int ms) {} public CancellationToken Token => default(CancellationToken); }
}
namespace System.Net.NetworkInformation { public class NetworkInterface { public static NetworkInterface[] GetAllNetworkInterfaces() => null; public byte[] PhysicalAddress => null; } }
namespace System.Security.Cryptography.X509Certificates {
  public class X509Certificate { public X509Certificate(byte[] c) {} }
  public class X509Certificate2 : X509Certificate { public X509Certificate2(byte[] raw, byte[] key, string password) : base(raw) {} }
}
namespace System.Device.I2c {
  public enum I2cTransferStatus { UnknownError, FullTransfer, ClockStretchTimeout, PartialTransfer, SlaveAddressNotAcknowledged }
  public struct I2cTransferResult { public I2cTransferStatus Status => 0; }
  public sealed class I2cConnectionSettings { public I2cConnectionSettings(int busId, int deviceAddress) {} }
  public class I2cDevice : IDisposable { public static I2cDevice Create(I2cConnectionSettings s) => null; public I2cTransferResult WriteByte(byte v) => default(I2cTransferResult); public void Dispose() {} }
}
namespace System.Device.Adc { public class AdcChannel { public int ReadValue() => 0; } public class AdcController { public AdcChannel OpenChannel(int c) => null; } }
namespace System.Device.Gpio {
  public enum PinMode { Input, Output }
  public struct PinValue { public static PinValue High => default(PinValue); public static PinValue Low => default(PinValue); }
  public class GpioPin { public void Write(PinValue v) {} }
  public class GpioController { public GpioPin OpenPin(int p, PinMode m) => null; }
}
namespace System.Device.Wifi { public enum WifiReconnectionKind { Automatic, Manual } }
namespace nanoFramework.Networking {
  public enum NetworkHelperStatus { None }
  public static class WifiNetworkHelper { public static bool ConnectDhcp(string s, string p, System.Device.Wifi.WifiReconnectionKind k = 0, bool requiresDateTime = false, int id = 0, System.Threading.CancellationToken token = default(System.Threading.CancellationToken)) => false; public static NetworkHelperStatus Status => 0; public static Exception HelperException => null; public static void Disconnect() {} public static void Reset() {} }
  public static class Sntp { public static void Start() {} public static bool IsStarted => false; }
}
namespace nanoFramework.Runtime.Native { public enum RebootOption { NormalReboot = 0 } public class Power { public static void RebootDevice(RebootOption o = RebootOption.NormalReboot) {} } }
namespace System { public static partial class Environment { public static long TickCount64 => 0; } }
namespace nanoFramework.Hardware.Esp32 {
  public enum EspNativeError { OK = 0 }
  public enum DeviceFunction { I2C1_DATA, I2C1_CLOCK, I2C2_DATA, I2C2_CLOCK, COM2_TX, COM2_RX }
  public class Configuration { public static void SetPinFunction(int pin, DeviceFunction f) {} }
  public class Sleep { public enum WakeupCause { Undefined = 0, Ext0 = 2, Ext1, Timer, TouchPad, Ulp, Gpio, Uart, Wifi, CoCpu, CoCpuTrapTrig, Bt }
    public static EspNativeError EnableWakeupByTimer(TimeSpan t) => 0; public static EspNativeError StartLightSleep() => 0; public static void StartDeepSleep() {} public static WakeupCause GetWakeupCause() => 0; }
}
namespace UnitsNet { public struct Temperature { public double DegreesCelsius => 0; } public struct Pressure { public double Hectopascals => 0; } public struct RelativeHumidity { public double Percent => 0; } }
namespace Iot.Device.Bmxx80 {
  public enum Sampling : byte { Skipped, UltraLowPower, LowPower, Standard, HighResolution, UltraHighResolution }
  public class DeviceStatus { public bool Measuring { get; set; } }
  public class Bme280ReadResult { public UnitsNet.Temperature Temperature { get; } public bool TemperatureIsValid { get; } public UnitsNet.Pressure Pressure { get; } public bool PressureIsValid { get; } public UnitsNet.RelativeHumidity Humidity { get; } public bool HumidityIsValid { get; } }
  public class Bme280 : IDisposable { public Bme280(System.Device.I2c.I2cDevice d) {} public Sampling TemperatureSampling { get; set; } public Sampling PressureSampling { get; set; } public Sampling HumiditySampling { get; set; }
    public FilteringMode.Bmx280FilteringMode FilterMode { get; set; } public void SetPowerMode(PowerMode.Bmx280PowerMode m) {} public int GetMeasurementDuration() => 0; public DeviceStatus ReadStatus() => null; public Bme280ReadResult Read() => null; public void Dispose() {} }
}
namespace Iot.Device.Bmxx80.FilteringMode { public enum Bmx280FilteringMode : byte { Off, X2, X4, X8, X16 } }
namespace Iot.Device.Bmxx80.PowerMode { public enum Bmx280PowerMode : byte { Sleep = 0, Forced = 2, Normal = 3 } }
namespace nanoFramework.M2Mqtt {
  public enum MqttSslProtocols { None, SSLv3, TLSv1_0, TLSv1_1, TLSv1_2, TLSv1_3 }
  public enum MqttProtocolVersion { Version_3_1 = 3, Version_3_1_1 = 4, Version_5 = 5 }
  public delegate void MqttMsgPublishedEventHandler(object sender, Messages.MqttMsgPublishedEventArgs e);
  public delegate void MqttMsgPublishEventHandler(object sender, Messages.MqttMsgPublishEventArgs e);
  public delegate void ConnectionClosedEventHandler(object sender, EventArgs e);
  public class MqttClient {
    public MqttClient(string host, int port, bool secure, System.Security.Cryptography.X509Certificates.X509Certificate ca, System.Security.Cryptography.X509Certificates.X509Certificate client, MqttSslProtocols p) {}
    public event MqttMsgPublishedEventHandler MqttMsgPublished; public event MqttMsgPublishEventHandler MqttMsgPublishReceived; public event ConnectionClosedEventHandler ConnectionClosed;
    public bool IsConnected { get; private set; } public MqttProtocolVersion ProtocolVersion { get; set; }
    public Messages.MqttReasonCode Connect(string clientId, string username, string password, bool willRetain, Messages.MqttQoSLevel willQosLevel, bool willFlag, string willTopic, string willMessage, bool cleanSession, ushort keepAlivePeriod) => 0;
    public ushort Subscribe(string[] topics, Messages.MqttQoSLevel[] q) => 0;
    public ushort Publish(string topic, byte[] message, string contentType, ArrayList userProperties, Messages.MqttQoSLevel qosLevel, bool retain) => 0;
    public void Disconnect() {} public void Close() {}
  }
}
namespace nanoFramework.M2Mqtt.Messages {
  public enum MqttQoSLevel : byte { AtMostOnce = 0, AtLeastOnce = 1, ExactlyOnce = 2 }
  public enum MqttReasonCode : byte { Success = 0 }
  public class MqttMsgPublishedEventArgs : EventArgs { public ushort MessageId { get; set; } public bool IsPublished { get; set; } }
  public class MqttMsgPublishEventArgs : EventArgs { public string Topic { get; internal set; } public byte[] Message { get; internal set; } }
}
namespace nanoFramework.TestFramework {
  [AttributeUsage(AttributeTargets.Class)] public sealed class TestClassAttribute : Attribute {}
  [AttributeUsage(AttributeTargets.Method)] public sealed class TestMethodAttribute : Attribute {}
  [AttributeUsage(AttributeTargets.Method)] public sealed class SetupAttribute : Attribute {}
  [AttributeUsage(AttributeTargets.Method)] public sealed class CleanupAttribute : Attribute {}
  public static class Assert {
    public static void IsTrue(bool c) {} public static void IsTrue(bool c, string m) {}
    public static void IsNull(object o) {}
    public static void AreEqual(int e, int a) {} public static void AreEqual(byte e, byte a) {}
    public static void ThrowsException(Type t, Action a) {}
  }
}
