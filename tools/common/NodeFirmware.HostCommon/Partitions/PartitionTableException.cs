namespace NodeFirmware.HostCommon.Partitions;

/// <summary>A partition table (CSV or binary) is malformed or would not work on the chip; the message says where and why.</summary>
public sealed class PartitionTableException : Exception
{
    public PartitionTableException(string message) : this(PartitionRefusal.Other, message) { }

    public PartitionTableException(PartitionRefusal kind, string message) : base(message)
    {
        Kind = kind;
    }

    public PartitionRefusal Kind { get; }
}
