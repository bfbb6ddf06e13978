using System.Reflection;

[assembly: AssemblyTitle("NodeFirmware.Loader")]
[assembly: AssemblyDescription("NodeFirmware stage-2 loader: A/B slot selection, verification and rollback")]
[assembly: AssemblyProduct("NodeFirmware")]
[assembly: AssemblyVersion("1.0.0.0")]
