namespace NodeFirmware.Nodectl.Provisioning;

/// <summary>
/// The exact <c>nodectl register</c> command line that finishes a registration provision could not complete,
/// with the same store, receiver, token file, tags and board, so the operator can paste it as printed.
/// </summary>
public static class RegisterAdvice
{
    public static string CommandLine(string deviceId, string caDir, string receiverUrl, string? tokenFile,
        IReadOnlyList<string> tags, string? board)
    {
        var words = new List<string> { "nodectl", "register", "--device", deviceId, "--ca-dir", caDir, "--receiver", receiverUrl };
        if (tokenFile is not null) words.AddRange(["--receiver-token-file", tokenFile]);
        if (tags.Count > 0) words.AddRange(["--tags", string.Join(',', tags)]);
        if (board is not null) words.AddRange(["--board", board]);
        return string.Join(' ', words.Select(Quote));
    }

    /// <summary>POSIX shell quoting, only where a word needs it.</summary>
    private static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:,=@+%".Contains(c))
            ? word
            : "'" + word.Replace("'", "'\\''") + "'";
}
