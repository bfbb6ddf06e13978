using System.Diagnostics;
using NodeFirmware.Nodectl.Tests.Partitions;

namespace NodeFirmware.Nodectl.Tests.Tool;

/// <summary>
/// nodectl as a .NET tool: the install commands docs/building.md prints are run here (with temporary folders in
/// place of the documented ones), then the installed `nodectl` runs --help and a real command.
/// </summary>
public sealed class ToolPackageTests : IDisposable
{
    private const string DocPackageDir = "out/nodectl-package";
    private const string DocToolDir = "$HOME/.nodectl";
    private const string PackCommand = "dotnet pack tools/nodectl/Nodectl -o " + DocPackageDir;
    private const string InstallCommand = "dotnet tool install --tool-path " + DocToolDir + " --add-source " + DocPackageDir + " NodeFirmware.Nodectl";

#if DEBUG
    private const string Configuration = "Debug"; // the build the test run already made, so packing does not rebuild
#else
    private const string Configuration = "Release";
#endif

    private readonly string _temp = Directory.CreateTempSubdirectory("nodectl-tool-").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    [Fact]
    public void Building_doc_prints_the_install_commands_this_test_runs()
    {
        string doc = File.ReadAllText(Path.Combine(CommandRunner.RepoRoot, "docs", "building.md"));
        Assert.Contains(PackCommand, doc);
        Assert.Contains(InstallCommand, doc);
    }

    [Fact]
    public void Packed_tool_installs_and_runs_as_nodectl()
    {
        string packageDir = Path.Combine(_temp, "package");
        string toolDir = Path.Combine(_temp, "tool");
        Run("dotnet", CommandRunner.RepoRoot, Args(PackCommand, packageDir, toolDir).Append("-c").Append(Configuration));
        Assert.Single(Directory.GetFiles(packageDir, "NodeFirmware.Nodectl.*.nupkg"));

        // Offline: the package carries its dependencies, so the local folder is the only source it needs.
        Run("dotnet", _temp, Args(InstallCommand, packageDir, toolDir));
        string nodectl = Path.Combine(toolDir, OperatingSystem.IsWindows() ? "nodectl.exe" : "nodectl");
        Assert.True(File.Exists(nodectl), $"the install made no {nodectl}");

        string help = Run(nodectl, _temp, ["--help"]);
        Assert.Contains("nodectl", help);
        Assert.Contains("flash", help);

        string csv = Path.Combine(CommandRunner.RepoRoot, "bootloader-config", "partitions-nodefirmware-4mb.csv");
        string table = Run(nodectl, _temp, ["partitions", "show", csv]);
        Assert.Contains("nvs", table);
        Assert.Contains("0x009000", table);
    }

    private static IEnumerable<string> Args(string documented, string packageDir, string toolDir) =>
        documented.Split(' ').Skip(1)
            .Select(a => a == DocPackageDir ? packageDir : a == DocToolDir ? toolDir : a);

    private static string Run(string file, string workingDir, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(file)
        {
            WorkingDirectory = workingDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), $"{file} {string.Join(' ', start.ArgumentList)} did not finish");
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', start.ArgumentList)} exited {process.ExitCode}:\n{stdout}\n{stderr.Result}");
        return stdout;
    }
}
