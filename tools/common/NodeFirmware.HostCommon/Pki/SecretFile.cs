namespace NodeFirmware.HostCommon.Pki;

/// <summary>
/// Writes files atomically (temp file + rename) and, for key material, with mode 0600 from the moment the
/// file exists, so a key is never readable by others even briefly.
/// </summary>
public static class SecretFile
{
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    public const UnixFileMode Public = OwnerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public static void WriteSecret(string path, string text) => Write(path, text, OwnerOnly);

    public static void WritePublic(string path, string text) => Write(path, text, Public);

    private static void Write(string path, string text, UnixFileMode mode)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        var tmp = Path.Combine(dir, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = mode;
        try
        {
            using (var stream = new FileStream(tmp, options))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(text);
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(tmp, mode); // umask may have narrowed it
            File.Move(tmp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    public static string ReadRequired(string path, string what)
    {
        if (!File.Exists(path))
            throw new PkiException($"{what} not found at {path}");
        return File.ReadAllText(path);
    }
}
