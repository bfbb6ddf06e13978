using System.Text;
using System.Text.Json;

namespace NodeFirmware.Nodectl.Audit;

/// <summary>
/// Checks an audit log line by line: each line parses, sequences run 1, 2, 3..., and each "prev" is the
/// SHA-256 of the line before it. A changed, removed, inserted or reordered line breaks the chain at
/// that point. (Cutting records off the end leaves a valid shorter chain; compare the count with the
/// stations' own copies or the receiver's registrations to catch that.)
/// </summary>
public static class AuditVerifier
{
    public static AuditVerification Verify(string path)
    {
        if (!File.Exists(path)) throw new AuditException($"no audit log at {path}");
        byte[] all;
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        {
            all = new byte[file.Length];
            file.ReadExactly(all);
        }
        return Verify(all);
    }

    public static AuditVerification Verify(byte[] content)
    {
        var records = new List<AuditRecord>();
        string text;
        try
        {
            text = new UTF8Encoding(false, true).GetString(content);
        }
        catch (DecoderFallbackException)
        {
            return new AuditVerification(0, null, "the log is not valid UTF-8", records);
        }
        if (text.Length == 0) return new AuditVerification(0, null, null, records);
        if (!text.EndsWith('\n'))
            return Fail(records, text.Count(c => c == '\n') + 1, "the last record is incomplete (no newline at the end)");

        string[] lines = text[..^1].Split('\n');
        string previous = AuditRecord.GenesisHash;
        for (int i = 0; i < lines.Length; i++)
        {
            int lineNo = i + 1;
            AuditRecord record;
            try
            {
                record = AuditRecord.Parse(lines[i]);
            }
            catch (JsonException e)
            {
                return Fail(records, lineNo, "not an audit record: " + e.Message);
            }
            if (record.Sequence != lineNo)
                return Fail(records, lineNo, $"sequence is {record.Sequence}, expected {lineNo}: a record was removed, inserted or moved");
            if (!string.Equals(record.Previous, previous, StringComparison.Ordinal))
                return Fail(records, lineNo, i == 0
                    ? "the first record does not start the chain"
                    : $"hash chain broken: 'prev' does not match line {lineNo - 1}, which was changed (or this line was)");
            if (string.IsNullOrEmpty(record.Action) || string.IsNullOrEmpty(record.Result))
                return Fail(records, lineNo, "record without action or result");
            records.Add(record);
            previous = AuditLog.HashLine(lines[i]);
        }
        return new AuditVerification(records.Count, null, null, records);
    }

    private static AuditVerification Fail(List<AuditRecord> records, int line, string problem) =>
        new(records.Count, line, $"line {line}: {problem}", records);
}
