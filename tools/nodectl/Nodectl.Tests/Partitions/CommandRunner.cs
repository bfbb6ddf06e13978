using System.CommandLine;
using NodeFirmware.HostCommon.Boards;
using System.Runtime.CompilerServices;

namespace NodeFirmware.Nodectl.Tests.Partitions;

/// <summary>Runs one nodectl command group in-process, capturing what it prints.</summary>
internal static class CommandRunner
{
    public static string RepoRoot { get; } = FindRoot();

    public static BoardCatalog Catalog() => new(RepoRoot);

    public static (int Exit, string Out, string Err) Run(Command group, params string[] args)
    {
        var root = new RootCommand("test") { group };
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    private static string FindRoot([CallerFilePath] string source = "")
    {
        var dir = new DirectoryInfo(Path.GetDirectoryName(source)!);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "NodeFirmware.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("NodeFirmware.sln not found above " + source);
    }
}
