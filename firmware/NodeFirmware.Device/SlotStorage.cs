using System;
using System.IO;
using NodeFirmware.Core.Hal;

namespace NodeFirmware.Device
{
    /// <summary>
    /// Core's ISlotStorage over the directories I:\slotA\ and I:\slotB\ (LittleFS). A LittleFS write commits
    /// atomically, so a power cut leaves a file at its old length or with a prefix of the new bytes, as the
    /// interface promises. Shared by the application (OTA downloads) and the Loader (verify and load).
    /// </summary>
    public class SlotStorage : ISlotStorage
    {
        private const int MaxNameLength = 64;

        private readonly string _parent;

        public SlotStorage(string parent)
        {
            _parent = parent;
        }

        public string SlotDirectory(int slot)
        {
            if (slot != 0 && slot != 1) throw new ArgumentOutOfRangeException("slot");
            return _parent + (slot == 0 ? "slotA" : "slotB");
        }

        public void EraseSlot(int slot)
        {
            string dir = SlotDirectory(slot);
            if (!Directory.Exists(dir)) return;
            foreach (string file in Directory.GetFiles(dir)) File.Delete(file);
        }

        public void DeleteFile(int slot, string name)
        {
            string path = PathOf(slot, name);
            if (File.Exists(path)) File.Delete(path);
        }

        public void Write(int slot, string name, int fileOffset, byte[] data, int dataOffset, int count)
        {
            string path = PathOf(slot, name);
            string dir = SlotDirectory(slot);
            if (!Directory.Exists(dir)) Directory.CreateDirectory(dir);
            using (var f = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
            {
                if (fileOffset < 0 || fileOffset > f.Length) throw new ArgumentOutOfRangeException("fileOffset", "beyond the end of '" + name + "'");
                f.Seek(fileOffset, SeekOrigin.Begin);
                f.Write(data, dataOffset, count);
                f.Flush();
            }
        }

        public int Read(int slot, string name, int fileOffset, byte[] buffer, int bufferOffset, int count)
        {
            string path = PathOf(slot, name);
            if (!File.Exists(path)) throw new IOException("'" + name + "' is not in slot " + slot);
            using (var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
            {
                if (fileOffset >= f.Length) return 0;
                f.Seek(fileOffset, SeekOrigin.Begin);
                return f.Read(buffer, bufferOffset, count);
            }
        }

        public int FileLength(int slot, string name)
        {
            string path = PathOf(slot, name);
            if (!File.Exists(path)) return -1;
            using (var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
            {
                return (int)f.Length;
            }
        }

        public string[] List(int slot)
        {
            string dir = SlotDirectory(slot);
            if (!Directory.Exists(dir)) return new string[0];
            string[] files = Directory.GetFiles(dir);
            var names = new string[files.Length];
            for (int i = 0; i < files.Length; i++) names[i] = Path.GetFileName(files[i]);
            return names;
        }

        private string PathOf(int slot, string name)
        {
            if (name == null || name.Length == 0 || name.Length > MaxNameLength || name.IndexOf('\\') >= 0 || name.IndexOf('/') >= 0 || name.IndexOf(':') >= 0 || name == "." || name == "..")
                throw new ArgumentException("bad slot file name '" + name + "'");
            return SlotDirectory(slot) + "\\" + name;
        }
    }
}
