namespace NodeFirmware.HostCommon.Partitions;

/// <summary>
/// The few Python str rules ESP-IDF's gen_esp32part.py applies to a CSV (it is a Python script), so that a table
/// splits into the same lines and fields here: str.splitlines(), str.strip() and str.isspace().
/// </summary>
internal static class PythonText
{
    /// <summary>
    /// Python's whitespace: .NET's, plus the ASCII information separators U+001C-U+001F, which Python counts as
    /// whitespace (bidirectional class B/S) and .NET does not.
    /// </summary>
    public static bool IsSpace(char c) => char.IsWhiteSpace(c) || (c >= '\u001C' && c <= '\u001F');

    public static string Strip(string s)
    {
        int start = 0, end = s.Length;
        while (start < end && IsSpace(s[start])) start++;
        while (end > start && IsSpace(s[end - 1])) end--;
        return s[start..end];
    }

    /// <summary>
    /// str.splitlines(): breaks at \n, \r, \r\n, \v, \f, U+001C-U+001E, U+0085, U+2028 and U+2029; a break at the very
    /// end does not start another line.
    /// </summary>
    public static List<string> SplitLines(string s)
    {
        var lines = new List<string>();
        int start = 0;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (!IsLineBreak(c)) continue;
            lines.Add(s[start..i]);
            if (c == '\r' && i + 1 < s.Length && s[i + 1] == '\n') i++;
            start = i + 1;
        }
        if (start < s.Length) lines.Add(s[start..]);
        return lines;
    }

    private static bool IsLineBreak(char c) =>
        c is '\n' or '\r' or '\v' or '\f' or '\u001C' or '\u001D' or '\u001E' or '\u0085' or '\u2028' or '\u2029';
}
