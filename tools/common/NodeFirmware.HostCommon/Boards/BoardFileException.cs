namespace NodeFirmware.HostCommon.Boards;

/// <summary>A board file is missing, malformed or inconsistent; the message names the file and the field.</summary>
public sealed class BoardFileException : Exception
{
    public BoardFileException(string message) : base(message) { }
    public BoardFileException(string message, Exception inner) : base(message, inner) { }
}
