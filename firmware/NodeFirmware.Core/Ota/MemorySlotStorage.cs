using System;
using System.Collections;
using NodeFirmware.Core.Hal;

namespace NodeFirmware.Core.Ota
{
    /// <summary>
    /// <see cref="ISlotStorage"/> in RAM, for hosts (the virtual node, tests). A capacity per slot makes a
    /// too-large image fail the way a full LittleFS partition does.
    /// </summary>
    public class MemorySlotStorage : ISlotStorage
    {
        private readonly ArrayList[] _slots = { new ArrayList(), new ArrayList() }; // of StoredFile
        private readonly int _capacityPerSlot;

        private class StoredFile
        {
            public string Name;
            public byte[] Data = new byte[0];
            public int Length;
        }

        public MemorySlotStorage(int capacityPerSlot)
        {
            if (capacityPerSlot < 1) throw new ArgumentOutOfRangeException("capacityPerSlot");
            _capacityPerSlot = capacityPerSlot;
        }

        public int CapacityPerSlot { get { return _capacityPerSlot; } }

        public void EraseSlot(int slot)
        {
            Files(slot).Clear();
        }

        public void DeleteFile(int slot, string name)
        {
            StoredFile f = Find(slot, name);
            if (f != null) Files(slot).Remove(f);
        }

        public void Write(int slot, string name, int fileOffset, byte[] data, int dataOffset, int count)
        {
            if (data == null) throw new ArgumentNullException("data");
            if (count < 0 || dataOffset < 0 || dataOffset + count > data.Length) throw new ArgumentOutOfRangeException("count");
            StoredFile f = Find(slot, name);
            if (f == null)
            {
                CheckName(name);
                if (fileOffset != 0) throw new ArgumentOutOfRangeException("fileOffset", "a new file starts at offset 0");
                f = new StoredFile();
                f.Name = name;
                Files(slot).Add(f);
            }
            if (fileOffset < 0 || fileOffset > f.Length) throw new ArgumentOutOfRangeException("fileOffset", "writing at " + fileOffset + " would leave a hole in '" + name + "' (" + f.Length + " bytes)");
            int end = fileOffset + count;
            if (end > f.Length && UsedBytes(slot) - f.Length + end > _capacityPerSlot)
                throw new InvalidOperationException("slot " + SlotLayout.SlotName(slot) + " is full (" + _capacityPerSlot + " bytes)");
            if (end > f.Data.Length)
            {
                var grown = new byte[end > 2 * f.Data.Length ? end : 2 * f.Data.Length];
                Array.Copy(f.Data, grown, f.Length);
                f.Data = grown;
            }
            Array.Copy(data, dataOffset, f.Data, fileOffset, count);
            if (end > f.Length) f.Length = end;
        }

        public int Read(int slot, string name, int fileOffset, byte[] buffer, int bufferOffset, int count)
        {
            StoredFile f = Find(slot, name);
            if (f == null) throw new ArgumentException("slot " + SlotLayout.SlotName(slot) + " has no file '" + name + "'");
            if (fileOffset < 0 || count < 0) throw new ArgumentOutOfRangeException("fileOffset");
            int n = f.Length - fileOffset;
            if (n <= 0) return 0;
            if (n > count) n = count;
            Array.Copy(f.Data, fileOffset, buffer, bufferOffset, n);
            return n;
        }

        public int FileLength(int slot, string name)
        {
            StoredFile f = Find(slot, name);
            return f == null ? -1 : f.Length;
        }

        public string[] List(int slot)
        {
            ArrayList files = Files(slot);
            var names = new string[files.Count];
            for (int i = 0; i < names.Length; i++) names[i] = ((StoredFile)files[i]).Name;
            return names;
        }

        public int UsedBytes(int slot)
        {
            int used = 0;
            foreach (StoredFile f in Files(slot)) used += f.Length;
            return used;
        }

        private ArrayList Files(int slot)
        {
            if (slot != SlotLayout.SlotA && slot != SlotLayout.SlotB) throw new ArgumentOutOfRangeException("slot");
            return _slots[slot];
        }

        private StoredFile Find(int slot, string name)
        {
            foreach (StoredFile f in Files(slot)) if (f.Name == name) return f;
            return null;
        }

        private static void CheckName(string name)
        {
            if (name != SlotLayout.ManifestFileName && !ManifestCodec.IsValidName(name))
                throw new ArgumentException("invalid slot file name '" + name + "'");
        }
    }
}
