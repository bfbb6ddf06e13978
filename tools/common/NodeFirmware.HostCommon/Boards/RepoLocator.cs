namespace NodeFirmware.HostCommon.Boards;

/// <summary>
/// Finds the NodeFirmware checkout (the folder with NodeFirmware.sln, boards/ and bootloader-config/):
/// $NODEFIRMWARE_ROOT if set, else upwards from the current directory, else upwards from the program's folder.
/// </summary>
public static class RepoLocator
{
    public const string RootVariable = "NODEFIRMWARE_ROOT";

    public static string FindRoot()
    {
        string? fromEnv = Environment.GetEnvironmentVariable(RootVariable);
        if (!string.IsNullOrEmpty(fromEnv))
        {
            if (!IsRoot(fromEnv)) throw new BoardFileException($"{RootVariable}={fromEnv} has no boards/ and bootloader-config/ folders");
            return Path.GetFullPath(fromEnv);
        }
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            {
                if (IsRoot(dir.FullName)) return dir.FullName;
            }
        }
        throw new BoardFileException($"cannot find the NodeFirmware checkout (boards/ and bootloader-config/) above {Directory.GetCurrentDirectory()}; set {RootVariable}");
    }

    private static bool IsRoot(string dir) =>
        Directory.Exists(Path.Combine(dir, "boards")) && Directory.Exists(Path.Combine(dir, "bootloader-config"));
}
