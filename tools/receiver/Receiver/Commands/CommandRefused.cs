namespace NodeFirmware.Receiver.Commands;

/// <summary>A command or configuration the receiver would not take, with the HTTP status that says why.</summary>
public sealed class CommandRefused(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
