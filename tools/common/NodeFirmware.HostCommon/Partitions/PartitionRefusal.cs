namespace NodeFirmware.HostCommon.Partitions;

/// <summary>
/// Why a partition table was refused, at the grain at which ESP-IDF's gen_esp32part.py refuses it too, so that the
/// two can be compared on tables both refuse.
/// </summary>
public enum PartitionRefusal
{
    /// <summary>Not about a table (an option, a missing file).</summary>
    Other,

    /// <summary>CSV text that is not UTF-8 (or UTF-16 with its byte order mark).</summary>
    Encoding,

    /// <summary>A CSV line that cannot be read: empty type or size, unknown keyword, bad number, unknown flag.</summary>
    Syntax,

    /// <summary>A value that does not fit its binary field (type and subtype 0-255, offset and size 32 bits).</summary>
    OutOfRange,

    /// <summary>A bootloader row whose offset the layout does not give, or a bootloader at or above the table.</summary>
    BootLayout,

    /// <summary>A partition starts inside the partition table's sector or below it.</summary>
    BelowTable,

    /// <summary>A partition starts before the previous one ends.</summary>
    Overlap,

    OffsetAlignment,

    /// <summary>An app partition whose size is not a whole number of 4 KB sectors.</summary>
    SizeAlignment,

    /// <summary>otadata (data/ota) or coredump (data/coredump) flagged readonly: both are always written.</summary>
    ReadOnlyNotAllowed,

    /// <summary>An NVS partition smaller than 0x3000 bytes that is not flagged readonly.</summary>
    NvsNeedsReadOnly,

    DuplicateName,

    /// <summary>More than one otadata (or TEE otadata) partition, or one that is not 0x2000 bytes.</summary>
    OtaData,

    /// <summary>The partitions end beyond the given flash size.</summary>
    DoesNotFitFlash,

    /// <summary>The entries (and the MD5 row) leave no room for the end marker in the 0xC00-byte table.</summary>
    TooManyEntries,

    /// <summary>A binary table that stops in the middle of a 32-byte row before its end marker.</summary>
    BadLength,

    NoEndMarker,

    Md5Mismatch,

    /// <summary>A binary row that is neither an entry (0xAA50), the MD5 row (0xEBEB) nor the end marker.</summary>
    BadMagic,

    /// <summary>A binary entry whose label is not UTF-8 (e.g. a long name cut in the middle of a character).</summary>
    LabelNotUtf8,
}
