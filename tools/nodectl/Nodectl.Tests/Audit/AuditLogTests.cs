using System.Text;
using NodeFirmware.Nodectl.Audit;
using NodeFirmware.Nodectl.Tests.Partitions;

namespace NodeFirmware.Nodectl.Tests.Audit;

public sealed class AuditLogTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "nodectl-audit-" + Guid.NewGuid().ToString("N"));

    private string LogPath => Path.Combine(_dir, "audit.jsonl");

    private AuditLog Log(string station = "s1") => new(LogPath, station, "alice");

    private static AuditEntry Entry(int i) => new()
    {
        Action = "provision",
        Device = $"esp32-0000000000{i % 100:d2}",
        CertSerial = $"{i:X32}",
        Result = i % 3 == 0 ? "failed" : "ok",
        Stage = i % 3 == 0 ? "store" : null,
        Detail = "detail \"quoted\" ünïcode " + i,
        Tags = ["a", "b"],
    };

    private string[] Lines() => File.ReadAllText(LogPath).Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private void WriteLines(IEnumerable<string> lines) => File.WriteAllText(LogPath, string.Join("", lines.Select(l => l + "\n")));

    [Fact]
    public void Records_are_chained_and_verify()
    {
        var log = Log();
        for (int i = 1; i <= 10; i++) log.Append(Entry(i));
        var check = AuditVerifier.Verify(LogPath);
        Assert.True(check.Ok, check.Problem);
        Assert.Equal(10, check.Records);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), check.Entries.Select(r => r.Sequence));
        Assert.Equal(AuditRecord.GenesisHash, check.Entries[0].Previous);
        string[] lines = Lines();
        for (int i = 1; i < lines.Length; i++) Assert.Equal(AuditLog.HashLine(lines[i - 1]), check.Entries[i].Previous);
        Assert.All(check.Entries, r => Assert.Equal("alice", r.Operator));
        Assert.All(check.Entries, r => Assert.Equal("s1", r.Station));
        Assert.Equal("detail \"quoted\" ünïcode 4", check.Entries[3].Detail);
    }

    [Fact]
    public void Any_edit_deletion_insertion_or_reordering_is_detected_at_its_line()
    {
        var log = Log();
        for (int i = 1; i <= 6; i++) log.Append(Entry(i));
        string[] original = Lines();

        void ExpectBroken(string[] lines, int line)
        {
            WriteLines(lines);
            var check = AuditVerifier.Verify(LogPath);
            Assert.False(check.Ok);
            Assert.Equal(line, check.BadLine);
        }

        var edited = (string[])original.Clone();
        edited[2] = edited[2].Replace("\"result\":\"failed\"", "\"result\":\"ok\"");
        Assert.NotEqual(original[2], edited[2]);
        ExpectBroken(edited, 4); // line 3's change shows in line 4's chain link

        ExpectBroken(original.Where((_, i) => i != 1).ToArray(), 2);
        ExpectBroken(original.Take(3).Append(original[1]).Concat(original.Skip(3)).ToArray(), 4);
        ExpectBroken([original[0], original[2], original[1], .. original[3..]], 2);

        var last = (string[])original.Clone();
        last[^1] = last[^1].Replace("alice", "mallory");
        WriteLines(last);
        // The newest line has no successor yet; its content is only covered once the next record is appended.
        Assert.True(AuditVerifier.Verify(LogPath).Ok);
        Log().Append(Entry(7));
        Assert.True(AuditVerifier.Verify(LogPath).Ok);
        WriteLines(original.Append(Lines()[^1]));
        Assert.Equal(6 + 1, AuditVerifier.Verify(LogPath).BadLine);
    }

    [Fact]
    public void Verify_command_exits_1_on_tampering_and_names_the_line()
    {
        var log = Log();
        for (int i = 1; i <= 3; i++) log.Append(Entry(i));
        var lines = Lines();
        lines[0] = lines[0].Replace("s1", "s9");
        WriteLines(lines);
        var (exit, _, err) = CommandRunner.Run(AuditCommand.Create(), "audit", "verify", "--log", LogPath);
        Assert.Equal(1, exit);
        Assert.Contains("line 2", err);
        Assert.Contains("hash chain broken", err);

        (exit, _, err) = CommandRunner.Run(AuditCommand.Create(), "audit", "verify", "--log", LogPath + ".none");
        Assert.Equal(1, exit);
        Assert.Contains("no audit log", err);
    }

    [Fact]
    public void A_torn_last_record_is_reported_and_blocks_further_appends()
    {
        var log = Log();
        log.Append(Entry(1));
        log.Append(Entry(2));
        var bytes = File.ReadAllBytes(LogPath);
        File.WriteAllBytes(LogPath, bytes[..^20]);
        var check = AuditVerifier.Verify(LogPath);
        Assert.False(check.Ok);
        Assert.Contains("incomplete", check.Problem);
        Assert.Contains("incomplete", Assert.Throws<AuditException>(() => log.Append(Entry(3))).Message);
    }

    [Fact]
    public void Concurrent_writers_never_interleave_or_fork_the_chain()
    {
        const int Writers = 4, PerWriter = 25;
        var threads = Enumerable.Range(0, Writers).Select(w => new Thread(() =>
        {
            var log = Log("station-" + w); // each writer opens the file on its own, like separate stations
            for (int i = 0; i < PerWriter; i++) log.Append(Entry(w * 100 + i));
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        var check = AuditVerifier.Verify(LogPath);
        Assert.True(check.Ok, check.Problem);
        Assert.Equal(Writers * PerWriter, check.Records);
        for (int w = 0; w < Writers; w++)
            Assert.Equal(PerWriter, check.Entries.Count(r => r.Station == "station-" + w));
    }

    [Fact]
    public void A_held_lock_makes_the_writer_give_up_with_a_clear_error()
    {
        Log().Append(Entry(1));
        using var holder = new FileStream(LogPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        var log = new AuditLog(LogPath, "s2", "bob") { LockTimeout = TimeSpan.FromMilliseconds(100) };
        Assert.Contains("could not lock", Assert.Throws<AuditException>(() => log.Append(Entry(2))).Message);
    }

    [Fact]
    public void Long_records_and_a_log_larger_than_the_read_block_chain_correctly()
    {
        var log = Log();
        for (int i = 0; i < 5; i++) log.Append(Entry(i) with { Detail = new string('x', 5000 + i) });
        Assert.True(File.ReadAllBytes(LogPath).Length > 20_000);
        var check = AuditVerifier.Verify(LogPath);
        Assert.True(check.Ok, check.Problem);
        Assert.Equal(5, check.Records);
    }

    [Fact]
    public void Show_prints_records_and_filters_by_device()
    {
        var log = Log();
        for (int i = 1; i <= 4; i++) log.Append(Entry(i));
        var (exit, output, _) = CommandRunner.Run(AuditCommand.Create(), "audit", "show", "--log", LogPath, "--last", "2");
        Assert.Equal(0, exit);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Contains("esp32-000000000003", lines[1]);
        Assert.Contains("esp32-000000000004", lines[2]);
        Assert.Contains("[store]", CommandRunner.Run(AuditCommand.Create(), "audit", "show", "--log", LogPath, "--device", "esp32-000000000003").Out);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}
