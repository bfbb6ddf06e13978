using System.Diagnostics;
using System.Text.RegularExpressions;
using NodeFirmware.Nodectl.Station;
using NodeFirmware.Nodectl.Tests.Partitions;
using NodeFirmware.Nodectl.Tests.Provisioning;

namespace NodeFirmware.Nodectl.Tests.Station;

/// <summary>
/// docs/provisioning.md's `nodectl station` line (a text block the procedure runner does not run) run as written: the
/// nodectl program in a folder holding pki/, release.pub, station.token and the layout's files, with $port1..$port4
/// and $receiver set to four simulated boards and the real receiver, as a shell would expand them.
/// </summary>
[Trait("Category", "Station")]
public sealed class StationDocumentTests(Xunit.Abstractions.ITestOutputHelper testOutput)
{
    [Fact]
    public void The_documented_station_command_provisions_four_boards()
    {
        string line = DocumentedCommand();
        using var station = new StationRig(4);
        File.WriteAllText(Path.Combine(station.Rig.Directory, "station.token"), station.Environment[NodeFirmware.Nodectl.Provisioning.ReceiverRegistry.TokenVariable] + "\n");
        var variables = new Dictionary<string, string> { ["receiver"] = station.Receiver!.BaseUrl };
        for (int i = 0; i < 4; i++) variables[$"port{i + 1}"] = station.Boards[i].Url;

        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = station.Rig.Directory, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Nodectl.dll"));
        foreach (string word in line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1))
            start.ArgumentList.Add(Regex.Replace(word, @"\$(\w+)", m => variables.TryGetValue(m.Groups[1].Value, out var v) ? v : throw new InvalidOperationException($"the documented line uses ${m.Groups[1].Value}, which this test does not set")));
        start.Environment["NODEFIRMWARE_CA_PASSPHRASE"] = ProvisioningRig.CaPassphrase;
        start.Environment["NODECTL_WIFI_PASS"] = ProvisioningRig.WifiPassphrase;
        start.Environment["NODECTL_STATION"] = "line-2";
        start.Environment["NODECTL_OPERATOR"] = "line-operator";
        start.Environment.Remove(NodeFirmware.Nodectl.Provisioning.ReceiverRegistry.TokenVariable);
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(300_000), "nodectl station did not finish");

        testOutput.WriteLine(stdout);
        Assert.True(process.ExitCode == 0, stdout + stderr.Result + "\n" + station.Receiver!.Output);
        Assert.Contains("4 of 4 units passed", stdout);
        var reports = Directory.GetFiles(Path.Combine(station.Rig.Directory, "reports"), "unit-*.json").Select(UnitReport.Read).OrderBy(r => r.Unit).ToList();
        Assert.Equal(station.Boards.Select(b => b.Board.Firmware!.DeviceId), reports.Select(r => r.DeviceId));
        foreach (var report in reports)
        {
            Assert.Equal(UnitReport.Passed, report.Verdict);
            Assert.Equal(report.CertSerial, station.Receiver!.Device(report.DeviceId!)!.Value.GetProperty("certSerial").GetString(), StringComparer.OrdinalIgnoreCase);
        }
    }

    /// <summary>The ```text block of "## A factory station" that starts with `nodectl station`, its continuation lines joined.</summary>
    private static string DocumentedCommand()
    {
        string doc = File.ReadAllText(Path.Combine(CommandRunner.RepoRoot, "docs", "provisioning.md"));
        int section = doc.IndexOf("\n## A factory station\n", StringComparison.Ordinal);
        Assert.True(section >= 0, "docs/provisioning.md has no section 'A factory station'");
        var block = Regex.Match(doc[section..], "```text\n(nodectl station .*?)```", RegexOptions.Singleline);
        Assert.True(block.Success, "the section has no ```text block with nodectl station");
        return Regex.Replace(block.Groups[1].Value, @"\\\n\s*", " ").Trim();
    }
}
