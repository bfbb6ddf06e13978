using System.CommandLine;
using NodeFirmware.Nodectl.Firmware;

namespace NodeFirmware.Nodectl.Tests.Firmware;

/// <summary>Runs `nodectl firmware …` in-process in a fresh temp folder, with a release-key passphrase in an environment variable of its own.</summary>
public abstract class FirmwareCommandFixture : IDisposable
{
    protected readonly string _dir;
    protected readonly string _passphraseVariable = "NODECTL_TEST_PASSPHRASE_" + Guid.NewGuid().ToString("N");

    protected FirmwareCommandFixture(string folderPrefix)
    {
        _dir = Directory.CreateTempSubdirectory(folderPrefix).FullName;
        Environment.SetEnvironmentVariable(_passphraseVariable, "correct horse battery staple");
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable(_passphraseVariable, null);
        Directory.Delete(_dir, recursive: true);
    }

    protected string P(string name) => Path.Combine(_dir, name);

    protected (int Exit, string Out, string Err) Run(params string[] args)
    {
        var root = new RootCommand("test") { FirmwareCommand.Create() };
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }
}
