namespace NodeSim.RomBootloader;

/// <summary>Ways the simulated chip can misbehave, to test that a host fails clearly instead of reporting success.</summary>
public enum RomFault
{
    /// <summary>Processes the command but one byte of the response frame is lost on the wire.</summary>
    DropResponseByte,

    /// <summary>Processes the command but the response frame carries an invalid SLIP escape.</summary>
    CorruptResponseFrame,

    /// <summary>A bit of the request's data flips on the way in (a _DATA command then fails its checksum).</summary>
    CorruptRequest,

    /// <summary>The same bit flips in two bytes of a _DATA block: the XOR checksum still matches, so only an MD5 check notices.</summary>
    CorruptRequestPassingChecksum,

    /// <summary>Swallows the command: no processing, no answer.</summary>
    Stall,

    /// <summary>Answers with random bytes that are not a SLIP frame, without processing the command.</summary>
    ReplyGarbage,

    /// <summary>The chip resets instead of processing the command and boots the application from flash.</summary>
    ResetMidTransfer,

    /// <summary>SPI_FLASH_MD5 answers with a well-formed digest that is not the flash's (one hex digit changed).</summary>
    WrongMd5,
}

/// <summary>
/// When to misbehave: on commands with opcode <see cref="Command"/> (any if null), after letting
/// <see cref="Skip"/> of them through, for <see cref="Count"/> of them (int.MaxValue: for good).
/// </summary>
public sealed record RomFaultPlan(RomFault Fault, byte? Command = null, int Skip = 0, int Count = 1)
{
    internal int Seen { get; set; }

    internal int Applied { get; set; }

    internal bool Fires(byte command)
    {
        if (Command is { } only && only != command)
        {
            return false;
        }

        bool fire = Seen >= Skip && Applied < Count;
        Seen++;
        if (fire)
        {
            Applied++;
        }

        return fire;
    }
}
