using System.Runtime.CompilerServices;
using NodeFirmware.HostCommon.Boards;

namespace NodeFirmware.HilTests.Support;

/// <summary>The checkout the suite was built from (NODEFIRMWARE_ROOT wins), also when built with --artifacts-path outside it.</summary>
public static class RepoRoot
{
    public static string Path => Environment.GetEnvironmentVariable("NODEFIRMWARE_ROOT") is { Length: > 0 } root ? root : FromSource();

    public static BoardCatalog Boards() => new(Path);

    private static string FromSource([CallerFilePath] string file = "") =>
        System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(file)!, "..", "..", ".."));
}
