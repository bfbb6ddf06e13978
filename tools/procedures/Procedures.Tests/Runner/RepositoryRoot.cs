using System.Runtime.CompilerServices;

namespace NodeFirmware.Procedures.Tests.Runner;

public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find([CallerFilePath] string source = "")
    {
        var dir = new DirectoryInfo(System.IO.Path.GetDirectoryName(source)!);
        while (dir != null && !File.Exists(System.IO.Path.Combine(dir.FullName, "NodeFirmware.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("NodeFirmware.sln not found above " + source);
    }
}
