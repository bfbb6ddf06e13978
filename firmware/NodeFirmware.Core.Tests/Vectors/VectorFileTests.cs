using System.Runtime.CompilerServices;
using NodeFirmware.Core.Vectors;

namespace NodeFirmware.Core.Tests.Vectors;

/// <summary>
/// Every file in firmware/vectors, run through Core on .NET by the same code that runs it on nanoCLR
/// (firmware/NodeFirmware.Core.NanoTests). NODEFIRMWARE_WRITE_VECTORS=1 rewrites the expectations of files
/// marked @generated from what Core computes here (firmware/vectors/README.md); standard vectors are never rewritten.
/// </summary>
public class VectorFileTests
{
    public static string Folder([CallerFilePath] string source = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(source)!, "..", "..", "vectors"));

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (string f in Directory.GetFiles(Folder(), "*.vec").OrderBy(f => f, StringComparer.Ordinal)) data.Add(Path.GetFileName(f));
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Core_on_dotnet_gives_every_expected_answer(string name)
    {
        string path = Path.Combine(Folder(), name);
        VectorFile file = VectorFile.Parse(File.ReadAllText(path));
        if (file.Generated && Environment.GetEnvironmentVariable("NODEFIRMWARE_WRITE_VECTORS") == "1")
        {
            File.WriteAllText(path, ExpectationWriter.Rewrite(File.ReadAllText(path), file));
            file = VectorFile.Parse(File.ReadAllText(path));
        }
        VectorReport report = VectorRunner.Run(file);
        Assert.True(report.Failed == 0, name + ":\n" + string.Join("\n", report.Failures));
        Assert.Equal(file.Cases.Length, report.Passed);
    }

    /// <summary>What firmware/vectors/README.md's regeneration command does, done in memory: it must change nothing.</summary>
    [Theory]
    [MemberData(nameof(Files))]
    public void Rewriting_a_generated_file_from_Cores_answers_changes_nothing(string name)
    {
        string text = File.ReadAllText(Path.Combine(Folder(), name));
        VectorFile file = VectorFile.Parse(text);
        if (!file.Generated) return;
        Assert.Equal(text, ExpectationWriter.Rewrite(text, file));
    }

    [Fact]
    public void There_are_vectors_for_each_area_the_device_relies_on()
    {
        var kinds = Directory.GetFiles(Folder(), "*.vec").Select(f => VectorFile.Parse(File.ReadAllText(f)).Kind).ToHashSet();
        foreach (string kind in new[] { "sha", "ed25519", "crc32", "cbor", "telemetry", "config", "scheduler", "energy", "journal", "node", "ota", "message", "provisioning", "factory-reset", "sensing", "rollback-policy", "p256" })
            Assert.Contains(kind, kinds);
    }

    [Fact]
    public void A_wrong_expectation_is_reported_with_its_case_and_line()
    {
        string text = "@kind crc32\n\ncase: check value\nmsg: 313233343536373839\nexpect: cbf43927\n";
        VectorReport report = VectorRunner.Run(VectorFile.Parse(text));
        Assert.Equal(1, report.Failed);
        Assert.Equal("check value (line 3): expected 'cbf43927', got 'cbf43926'", report.Failures[0]);
    }

    [Fact]
    public void A_case_without_an_expectation_or_a_file_without_cases_fails()
    {
        Assert.Equal(1, VectorRunner.Run(VectorFile.Parse("@kind crc32\n\ncase: x\nmsg: 00\n")).Failed);
        Assert.Equal(1, VectorRunner.Run(VectorFile.Parse("@kind crc32\n")).Failed);
        Assert.Throws<VectorFormatException>(() => VectorFile.Parse("case: no kind\nmsg: 00\nexpect: 0\n"));
    }
}
