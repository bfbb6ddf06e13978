namespace NodeFirmware.Nodectl.Flashing;

/// <summary>Flashing failed; the message says what and where. Never thrown for a success.</summary>
public class FlashingException : Exception
{
    public FlashingException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}

/// <summary>No valid response arrived in time; says what was received instead, if anything.</summary>
public sealed class RomTimeoutException : FlashingException
{
    public RomTimeoutException(string message)
        : base(message)
    {
    }
}

/// <summary>The ROM answered with a failure status.</summary>
public sealed class RomCommandFailedException : FlashingException
{
    public RomCommandFailedException(RomCommand command, byte error, string context)
        : base($"{command} failed{context}: ROM error 0x{error:X2} ({RomErrorCodes.Describe(error)})")
    {
        Command = command;
        Error = (RomErrorCode)error;
    }

    public RomCommand Command { get; }

    public RomErrorCode Error { get; }
}

/// <summary>The peer sent something that is not the protocol (boot log, wrong baud, noise, a reset).</summary>
public sealed class RomProtocolException : FlashingException
{
    public RomProtocolException(string message)
        : base(message)
    {
    }
}

/// <summary>The flash contents read back as a different MD5 than the image.</summary>
public sealed class FlashVerificationException : FlashingException
{
    public FlashVerificationException(string message)
        : base(message)
    {
    }
}

/// <summary>The operator pressed Ctrl-C during a write; the board holds a partly written image.</summary>
public sealed class FlashInterruptedException : FlashingException
{
    /// <summary>128 + SIGINT, what a shell reports for a command stopped by Ctrl-C.</summary>
    public const int ExitCode = 130;

    public FlashInterruptedException(string message)
        : base(message)
    {
    }
}
