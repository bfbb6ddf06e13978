using System.Reflection;

[assembly: AssemblyTitle("NodeFirmware.Device.Tests")]
[assembly: AssemblyDescription("On-device tests of NodeFirmware's device adapters (nanoFramework.TestFramework)")]
[assembly: AssemblyProduct("NodeFirmware")]
[assembly: AssemblyVersion("1.0.0.0")]
