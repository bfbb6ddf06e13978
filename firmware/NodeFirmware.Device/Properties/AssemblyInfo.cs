using System.Reflection;

[assembly: AssemblyTitle("NodeFirmware.Device")]
[assembly: AssemblyDescription("NodeFirmware application for ESP32 sensor nodes on .NET nanoFramework")]
[assembly: AssemblyProduct("NodeFirmware")]
[assembly: AssemblyVersion("1.0.0.0")]
