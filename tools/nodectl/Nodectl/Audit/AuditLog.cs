using System.Security.Cryptography;
using System.Text;

namespace NodeFirmware.Nodectl.Audit;

/// <summary>
/// The append-only, hash-chained JSON-lines audit log. Every append takes an exclusive lock on the file
/// (FileShare.None, which .NET maps to flock on Unix) so stations sharing one log never interleave or
/// fork the chain; a writer that cannot get the lock within <see cref="LockTimeout"/> gives up with an error.
/// </summary>
public sealed class AuditLog
{
    public static readonly TimeSpan DefaultLockTimeout = TimeSpan.FromSeconds(30);

    public AuditLog(string path, string station, string operatorName, TimeProvider? time = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Path = System.IO.Path.GetFullPath(path);
        Station = station;
        Operator = operatorName;
        Time = time ?? TimeProvider.System;
    }

    public string Path { get; }
    public string Station { get; }
    public string Operator { get; }
    public TimeProvider Time { get; }
    public TimeSpan LockTimeout { get; init; } = DefaultLockTimeout;

    /// <summary>Appends one record chained to the last one and flushes it to disk.</summary>
    public AuditRecord Append(AuditEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        string? dir = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        using var file = OpenLocked();
        var (lastLine, lastSequence) = ReadLastRecord(file);
        var record = new AuditRecord
        {
            Sequence = lastSequence + 1,
            Time = Time.GetUtcNow(),
            Operator = Operator,
            Station = Station,
            Action = entry.Action,
            Device = entry.Device,
            CertSerial = entry.CertSerial,
            CertSha256 = entry.CertSha256,
            BundleSha256 = entry.BundleSha256,
            Result = entry.Result,
            Stage = entry.Stage,
            Detail = entry.Detail,
            Board = entry.Board,
            Tags = entry.Tags is { Count: > 0 } ? entry.Tags : null,
            Previous = lastLine is null ? AuditRecord.GenesisHash : HashLine(lastLine),
        };
        byte[] bytes = Encoding.UTF8.GetBytes(record.ToJsonLine() + "\n");
        file.Seek(0, SeekOrigin.End);
        file.Write(bytes);
        file.Flush(flushToDisk: true);
        return record;
    }

    public static string HashLine(string line) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(line)));

    private FileStream OpenLocked()
    {
        var deadline = DateTime.UtcNow + LockTimeout;
        int wait = 5;
        while (true)
        {
            try
            {
                return new FileStream(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
            {
                if (DateTime.UtcNow >= deadline)
                    throw new AuditException($"could not lock the audit log {Path} within {LockTimeout.TotalSeconds:0} s: {e.Message}", e);
                Thread.Sleep(wait + Random.Shared.Next(wait));
                wait = Math.Min(wait * 2, 200);
            }
            catch (UnauthorizedAccessException e)
            {
                throw new AuditException($"cannot write the audit log {Path}: {e.Message}", e);
            }
        }
    }

    /// <summary>The last line (without newline) and its sequence; (null, 0) for an empty log.</summary>
    private (string? Line, long Sequence) ReadLastRecord(FileStream file)
    {
        long length = file.Length;
        if (length == 0) return (null, 0);
        file.Seek(length - 1, SeekOrigin.Begin);
        if (file.ReadByte() != '\n')
            throw new AuditException($"the audit log {Path} ends in an incomplete record (a crash while writing, or an edit); run 'nodectl audit verify' and repair it before appending");

        // Walk back from the end to the previous newline, a block at a time.
        const int Block = 4096;
        long end = length - 1;
        long start = end;
        var buffer = new byte[Block];
        var collected = new List<byte[]>();
        while (start > 0)
        {
            int n = (int)Math.Min(Block, start);
            file.Seek(start - n, SeekOrigin.Begin);
            file.ReadExactly(buffer, 0, n);
            int newline = Array.LastIndexOf(buffer, (byte)'\n', n - 1, n);
            if (newline >= 0)
            {
                collected.Insert(0, buffer[(newline + 1)..n]);
                start = start - n + newline + 1;
                break;
            }
            collected.Insert(0, buffer[..n]);
            start -= n;
        }
        string line = Encoding.UTF8.GetString(collected.SelectMany(b => b).ToArray());
        try
        {
            return (line, AuditRecord.Parse(line).Sequence);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new AuditException($"the last line of the audit log {Path} is not an audit record: {e.Message}", e);
        }
    }
}
