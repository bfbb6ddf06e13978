using System.Runtime.CompilerServices;

namespace NodeFirmware.HostCommon.Tests.Partitions;

/// <summary>Files of this repository, found from this source file's path (test binaries may be built anywhere).</summary>
internal static class RepoFiles
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine(new[] { Root }.Concat(parts).ToArray());

    public static string Read(params string[] parts) => File.ReadAllText(PathOf(parts));

    private static string FindRoot([CallerFilePath] string source = "")
    {
        var dir = new DirectoryInfo(Path.GetDirectoryName(source)!);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "NodeFirmware.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("NodeFirmware.sln not found above " + source);
    }
}
