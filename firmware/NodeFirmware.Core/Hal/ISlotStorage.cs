namespace NodeFirmware.Core.Hal
{
    /// <summary>
    /// The two application slots (0 = A, 1 = B), each a flat set of named files: the signed manifest and the
    /// .pe assemblies. On the device: directories on internal storage (I:\slotA\, I:\slotB\); on a host:
    /// memory or a directory. A write that a power cut interrupts leaves the file at its old length or with a
    /// prefix of the new bytes, never with bytes that were not written (LittleFS commits per write).
    /// Errors (no space, bad name, out-of-range offset) throw.
    /// </summary>
    public interface ISlotStorage
    {
        /// <summary>Deletes every file of the slot.</summary>
        void EraseSlot(int slot);

        /// <summary>Deletes one file; nothing happens when it does not exist.</summary>
        void DeleteFile(int slot, string name);

        /// <summary>
        /// Writes <paramref name="count"/> bytes at <paramref name="fileOffset"/>, creating the file when it
        /// does not exist. <paramref name="fileOffset"/> must not exceed the file's length (no holes).
        /// </summary>
        void Write(int slot, string name, int fileOffset, byte[] data, int dataOffset, int count);

        /// <summary>Reads up to <paramref name="count"/> bytes from <paramref name="fileOffset"/>; returns how many were read (0 at the end).</summary>
        int Read(int slot, string name, int fileOffset, byte[] buffer, int bufferOffset, int count);

        /// <summary>The file's length in bytes, or -1 when it does not exist.</summary>
        int FileLength(int slot, string name);

        /// <summary>The names of the slot's files, in no particular order.</summary>
        string[] List(int slot);
    }
}
