namespace NodeSim.Node;

/// <summary>What a node's journal held when it last went to sleep: which readings exist and which the broker acknowledged.</summary>
public readonly record struct JournalStats(uint Epoch, uint NextSequence, uint ReleasedThrough, int Pending, uint Dropped)
{
    /// <summary>Readings sampled so far in this epoch (sequences start at 1).</summary>
    public uint Sampled => NextSequence == 0 ? 0 : NextSequence - 1;
}
