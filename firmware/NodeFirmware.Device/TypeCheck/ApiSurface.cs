// The slice of the nanoFramework class libraries that NodeFirmware.Device and NodeFirmware.Loader call, declared
// (not implemented) so the device code can be type-checked without the nanoFramework packages. Every member
// is listed with its source in docs/device-apis.md; add a member there first, then here. Types keep the real
// libraries' namespaces, nesting, base classes, sealing and enum values (asserted by DeviceProjectTests), so the
// type-check sees what the device code would see.
using System;
using System.Collections;
namespace System.IO {
  public enum SeekOrigin { Begin = 0, Current = 1, End = 2 }
  public enum FileMode { CreateNew = 1, Create = 2, Open = 3, OpenOrCreate = 4, Truncate = 5, Append = 6 }
  public enum FileAccess { Read = 1, Write = 2, ReadWrite = 3 }
  public enum FileShare { None = 0, Read = 1, Write = 2, ReadWrite = 3 }
  public abstract class Stream : MarshalByRefObject, IDisposable { public void Dispose() {} public abstract bool CanRead { get; } public abstract bool CanSeek { get; } public abstract bool CanWrite { get; } public abstract long Length { get; } public abstract long Position { get; set; } public abstract long Seek(long o, SeekOrigin s); public abstract int Read(byte[] b, int o, int c); public abstract void Write(byte[] b, int o, int c); public abstract void Flush(); public abstract void SetLength(long v); }
  public class FileStream : Stream { public FileStream(string p, FileMode m, FileAccess a, FileShare s) {} public override bool CanRead => false; public override bool CanSeek => false; public override bool CanWrite => false; public override long Length => 0; public override long Position { get => 0; set {} } public override long Seek(long o, SeekOrigin s) => 0; public override int Read(byte[] b, int o, int c) => 0; public override void Write(byte[] b, int o, int c) {} public override void Flush() {} public override void SetLength(long v) {} }
  public static class File { public static bool Exists(string p) => false; public static void Delete(string p) {} }
  public class DirectoryInfo {}
  public static class Directory { public static bool Exists(string p) => false; public static DirectoryInfo CreateDirectory(string p) => null; public static string[] GetFiles(string p) => null; }
  public static class Path { public static string GetDirectoryName(string p) => null; public static string GetFileName(string p) => null; }
}
namespace System.IO.Ports {
  public enum Parity { None = 0, Odd = 1, Even = 2 }
  public enum StopBits { One = 1, Two = 2, OnePointFive = 3 }
  public sealed class SerialPort : IDisposable { public SerialPort(string portName, int baudRate = 9600, Parity parity = Parity.None, int dataBits = 8, StopBits stopBits = StopBits.One) {} public void Open() {} public void Close() {} public int BytesToRead => 0; public int Read(byte[] b, int o, int c) => 0; public void Write(byte[] b, int o, int c) {} public void Dispose() {} }
}
namespace System.Threading {
  public struct CancellationToken { public bool IsCancellationRequested => false; }
  public class CancellationTokenSource : IDisposable { public CancellationTokenSource(int millisecondsDelay) {} public CancellationToken Token => default(CancellationToken); public void Cancel() {} public void Dispose() {} }
}
namespace System.Net.NetworkInformation {
  public enum NetworkInterfaceType { Unknown = 1, Ethernet = 6, Wireless80211 = 71, WirelessAP = 72 }
  public class NetworkInterface {
    public static NetworkInterface[] GetAllNetworkInterfaces() => null; public byte[] PhysicalAddress => null;
    public NetworkInterfaceType NetworkInterfaceType => 0; public bool IsDhcpEnabled => false; public void EnableDhcp() {}
    public string IPv4Address => null; public string IPv4SubnetMask => null; public string IPv4GatewayAddress => null; public string[] IPv4DnsAddresses => null;
  }
}
namespace System.Security.Cryptography.X509Certificates {
  public class X509Certificate { public X509Certificate(byte[] c) {} }
  public class X509Certificate2 : X509Certificate { public X509Certificate2(byte[] rawData, byte[] key, string password) : base(rawData) {} public X509Certificate2(byte[] rawData, string key, string password) : base(rawData) {} }
}
namespace System.Device.I2c {
  public enum I2cTransferStatus { UnknownError, FullTransfer, ClockStretchTimeout, PartialTransfer, SlaveAddressNotAcknowledged }
  public struct I2cTransferResult { public uint BytesTransferred => 0; public I2cTransferStatus Status => 0; }
  public sealed class I2cConnectionSettings { public I2cConnectionSettings(int busId, int deviceAddress) {} public int BusId => 0; public int DeviceAddress => 0; }
  public class I2cDevice : IDisposable { public static I2cDevice Create(I2cConnectionSettings s) => null; public I2cTransferResult WriteByte(byte v) => default(I2cTransferResult); public I2cTransferResult WriteRead(SpanByte writeBuffer, SpanByte readBuffer) => default(I2cTransferResult); public void Dispose() {} }
}
namespace System.Device.Adc {
  public abstract class AdcChannelBase { public abstract int ReadValue(); }
  public class AdcChannel : AdcChannelBase, IDisposable { public override int ReadValue() => 0; public void Dispose() {} }
  public abstract class AdcControllerBase { public abstract AdcChannel OpenChannel(int channelNumber); }
  public class AdcController : AdcControllerBase { public AdcController() {} public override AdcChannel OpenChannel(int channelNumber) => null; }
}
namespace System.Device.Gpio {
  public enum PinMode { Input = 0, InputPullDown = 1, InputPullUp = 2, Output = 3, OutputOpenDrain = 4, OutputOpenDrainPullUp = 5, OutputOpenSource = 6, OutputOpenSourcePullDown = 7 }
  public readonly struct PinValue { public static PinValue High => default(PinValue); public static PinValue Low => default(PinValue); }
  public sealed class GpioPin : IDisposable { public void Write(PinValue value) {} public void Dispose() {} }
  public sealed class GpioController : IDisposable { public GpioController() {} public GpioPin OpenPin(int pinNumber) => null; public GpioPin OpenPin(int pinNumber, PinMode mode) => null; public void Dispose() {} }
}
namespace System.Device.Wifi {
  public enum WifiReconnectionKind { Automatic = 0, Manual = 1 }
  public sealed class WifiAdapter : IDisposable { public static WifiAdapter[] FindAllAdapters() => null; public void ScanAsync() {} public void Dispose() {} }
}
namespace nanoFramework.Networking {
  // NetworkHelperStatus is System.Net's (nanoFramework.System.Net/NetworkHelper/NetworkHelperStatus.cs), in this namespace.
  public enum NetworkHelperStatus { None = 0, Started = 1, NetworkIsReady = 2, FailedNoNetworkInterface = 3, TokenExpiredWaitingIPAddress = 4, TokenExpiredWaitingDateTime = 5, ErrorConnetingToWiFiWhileScanning = 6, ExceptionOccurred = 7, Reconnecting = 8 }
  public class IPConfiguration { public IPConfiguration(string ipv4Address, string ipv4SubnetMask, string ipv4GatewayAddress, string[] ipv4DnsAddresses = null) {} }
  public static class WifiNetworkHelper {
    public static bool ConnectFixAddress(string ssid, string password, IPConfiguration ipConfiguration, System.Device.Wifi.WifiReconnectionKind reconnectionKind = System.Device.Wifi.WifiReconnectionKind.Automatic, bool requiresDateTime = false, int WifiAdapter = 0, System.Threading.CancellationToken token = default(System.Threading.CancellationToken)) => false;
    public static bool ConnectDhcp(string ssid, string password, System.Device.Wifi.WifiReconnectionKind reconnectionKind = System.Device.Wifi.WifiReconnectionKind.Automatic, bool requiresDateTime = false, int wifiAdapterId = 0, System.Threading.CancellationToken token = default(System.Threading.CancellationToken)) => false; public static NetworkHelperStatus Status => 0; public static Exception HelperException => null; public static void Disconnect() {} public static void Reset() {} }
  public class Sntp { public static void Start() {} public static void Stop() {} public static bool IsStarted => false; }
}
namespace nanoFramework.Runtime.Native { [Flags] public enum RebootOption { NormalReboot = 0, EnterNanoBooter = 1, ClrOnly = 2, EnterProprietaryBooter = 8 } public class Power { public static void RebootDevice(RebootOption rebootOption = RebootOption.NormalReboot) {} public static void RebootDevice(int exeConstraintTimeout, RebootOption rebootOption = RebootOption.NormalReboot) {} } public static class GC { public static uint Run(bool compactHeap) { return 0; } } }
namespace System { public static partial class Environment { public static long TickCount64 => 0; } }
namespace nanoFramework.Hardware.Esp32 {
  public enum EspNativeError : int { OK = 0, FAIL = -1 }
  // DeviceTypes.I2C = 2 << 16, DeviceTypes.SERIAL = 3 << 16, plus index << 8 and the signal.
  public enum DeviceFunction { I2C1_DATA = 0x20100, I2C1_CLOCK = 0x20101, I2C2_DATA = 0x20200, I2C2_CLOCK = 0x20201, COM2_TX = 0x30200, COM2_RX = 0x30201 }
  public class Configuration { public static void SetPinFunction(int pin, DeviceFunction f) {} }
  public class Sleep { public enum WakeupCause { Undefined = 0, Ext0 = 2, Ext1, Timer, TouchPad, Ulp, Gpio, Uart, Wifi, CoCpu, CoCpuTrapTrig, Bt }
    public static EspNativeError EnableWakeupByTimer(TimeSpan t) => 0; public static EspNativeError StartLightSleep() => 0; public static void StartDeepSleep() {} public static WakeupCause GetWakeupCause() => 0; }
}
namespace UnitsNet { public struct Temperature { public double DegreesCelsius => 0; } public struct Pressure { public double Hectopascals => 0; } public struct RelativeHumidity { public double Percent => 0; } }
namespace Iot.Device.Bmxx80 {
  public enum Sampling : byte { Skipped = 0, UltraLowPower = 1, LowPower = 2, Standard = 3, HighResolution = 4, UltraHighResolution = 5 }
  public class DeviceStatus { public bool Measuring { get; set; } public bool ImageUpdating { get; set; } }
  public abstract class Bmxx80Base : IDisposable { public Sampling TemperatureSampling { get; set; } public Sampling PressureSampling { get; set; } public void Reset() {} public void Dispose() {} }
  public abstract class Bmx280Base : Bmxx80Base { public FilteringMode.Bmx280FilteringMode FilterMode { get; set; } public void SetPowerMode(PowerMode.Bmx280PowerMode powerMode) {} public DeviceStatus ReadStatus() => null; public virtual int GetMeasurementDuration() => 0; }
  public class Bme280 : Bmx280Base { public Bme280(System.Device.I2c.I2cDevice i2cDevice) {} public Sampling HumiditySampling { get; set; } public override int GetMeasurementDuration() => 0; public ReadResult.Bme280ReadResult Read() => null; }
}
namespace Iot.Device.Bmxx80.ReadResult {
  public class Bmp280ReadResult { public UnitsNet.Temperature Temperature { get; } public bool TemperatureIsValid { get; } public UnitsNet.Pressure Pressure { get; } public bool PressureIsValid { get; } }
  public class Bme280ReadResult : Bmp280ReadResult { public UnitsNet.RelativeHumidity Humidity { get; } public bool HumidityIsValid { get; } }
}
namespace Iot.Device.Bmxx80.FilteringMode { public enum Bmx280FilteringMode : byte { Off = 0, X2 = 1, X4 = 2, X8 = 3, X16 = 4 } }
namespace Iot.Device.Bmxx80.PowerMode { public enum Bmx280PowerMode : byte { Sleep = 0, Forced = 2, Normal = 3 } }
namespace nanoFramework.M2Mqtt {
  // M2Mqtt.Core assembly: MqttSslProtocols, IMqttClient (its event delegates are nested in it), Messages.MqttQoSLevel/MqttReasonCode/event args.
  public enum MqttSslProtocols { None = 0, SSLv3 = 1, TLSv1_0 = 2, TLSv1_1 = 3, TLSv1_2 = 4, TLSv1_3 = 5 }
  public interface IMqttClient {
    delegate void MqttMsgPublishEventHandler(object sender, Messages.MqttMsgPublishEventArgs e);
    delegate void MqttMsgPublishedEventHandler(object sender, Messages.MqttMsgPublishedEventArgs e);
    delegate void ConnectionClosedEventHandler(object sender, EventArgs e);
    event IMqttClient.MqttMsgPublishEventHandler MqttMsgPublishReceived; event MqttMsgPublishedEventHandler MqttMsgPublished; event ConnectionClosedEventHandler ConnectionClosed;
    bool IsConnected { get; }
    Messages.MqttReasonCode Connect(string clientId, string username, string password, bool willRetain, Messages.MqttQoSLevel willQosLevel, bool willFlag, string willTopic, string willMessage, bool cleanSession, ushort keepAlivePeriod);
    void Disconnect(); ushort Subscribe(string[] topics, Messages.MqttQoSLevel[] qosLevels); void Close();
    ushort Publish(string topic, byte[] message, string contentType, ArrayList userProperties, Messages.MqttQoSLevel qosLevel, bool retain);
  }
  // M2Mqtt assembly. MqttClient also declares same-named delegates of its own; its events use IMqttClient's.
  public enum MqttProtocolVersion { Version_3_1 = 3, Version_3_1_1 = 4, Version_5 = 5 }
  public class MqttClient : IMqttClient, IDisposable {
    public delegate void MqttMsgPublishEventHandler(object sender, Messages.MqttMsgPublishEventArgs e);
    public delegate void MqttMsgPublishedEventHandler(object sender, Messages.MqttMsgPublishedEventArgs e);
    public delegate void ConnectionClosedEventHandler(object sender, EventArgs e);
    public delegate void ConnectionOpenedEventHandler(object sender, Messages.ConnectionOpenedEventArgs e);
    public event ConnectionOpenedEventHandler ConnectionOpened;
    public MqttClient(string host, int port, bool secure, System.Security.Cryptography.X509Certificates.X509Certificate ca, System.Security.Cryptography.X509Certificates.X509Certificate client, MqttSslProtocols p) {}
    public event IMqttClient.MqttMsgPublishedEventHandler MqttMsgPublished; public event IMqttClient.MqttMsgPublishEventHandler MqttMsgPublishReceived; public event IMqttClient.ConnectionClosedEventHandler ConnectionClosed;
    public bool IsConnected { get; private set; } public MqttProtocolVersion ProtocolVersion { get; set; }
    public Messages.MqttReasonCode Connect(string clientId, string username, string password, bool willRetain, Messages.MqttQoSLevel willQosLevel, bool willFlag, string willTopic, string willMessage, bool cleanSession, ushort keepAlivePeriod) => 0;
    public ushort Subscribe(string[] topics, Messages.MqttQoSLevel[] q) => 0;
    public ushort Publish(string topic, byte[] message, string contentType, ArrayList userProperties, Messages.MqttQoSLevel qosLevel, bool retain) => 0;
    public void Disconnect() {} public void Close() {} public void Dispose() {}
  }
}
namespace nanoFramework.M2Mqtt.Messages {
  public enum MqttQoSLevel { AtMostOnce = 0x00, AtLeastOnce = 0x01, ExactlyOnce = 0x02, GrantedFailure = 0x80 }
  public enum MqttReasonCode { Success = 0x00, UnspecifiedError = 0x80, NotAuthorized = 0x87, ConnectionRefusedNotAuthorized = 0x05 }
  public class MqttMsgPublishedEventArgs : EventArgs { public MqttMsgPublishedEventArgs(ushort messageId, bool isPublished) {} public ushort MessageId { get; set; } public bool IsPublished { get; set; } }
  public class MqttMsgConnack { public bool SessionPresent { get; set; } }
  public class ConnectionOpenedEventArgs : EventArgs { public ConnectionOpenedEventArgs(MqttMsgConnack connack) {} public MqttMsgConnack Message { get; private set; } }
  public class MqttMsgPublishEventArgs : EventArgs { public string Topic { get; internal set; } public byte[] Message { get; internal set; } public bool DupFlag { get; internal set; } public MqttQoSLevel QosLevel { get; internal set; } public bool Retain { get; internal set; } }
}
namespace nanoFramework.TestFramework {
  // TestFramework 3.0.77: the attributes are unsealed; Assert's messages are optional [CallerArgumentExpression] strings.
  [AttributeUsage(AttributeTargets.Class, AllowMultiple = false)] public class TestClassAttribute : Attribute {}
  [AttributeUsage(AttributeTargets.Method, AllowMultiple = false)] public class TestMethodAttribute : Attribute {}
  [AttributeUsage(AttributeTargets.Method, AllowMultiple = false)] public class SetupAttribute : Attribute {}
  [AttributeUsage(AttributeTargets.Method, AllowMultiple = false)] public class CleanupAttribute : Attribute {}
  public sealed partial class Assert {
    public static void IsTrue(bool condition, string message = "") {}
    public static void IsNull(object value, string message = "") {}
    public static void AreEqual(int expected, int actual, string message = "") {} public static void AreEqual(byte expected, byte actual, string message = "") {}
    public static void ThrowsException(Type exception, Action action, string message = "") {}
  }
}
