namespace NodeFirmware.Receiver.Storage;

/// <summary>Rows of the counters table, updated in the same transaction as the data they count.</summary>
public static class StoreCounterNames
{
    public const string ReadingsStored = "readings_stored";
    public const string DuplicatesIgnored = "duplicates_ignored";
}
