using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Ota;

namespace NodeSim.Board;

/// <summary>
/// Core's <see cref="ISlotStorage"/> kept in two regions of the board's flash, one per slot, so an installed update
/// survives resets and power-offs, is in a flash dump and is gone when the region is erased. (The device keeps the
/// slots as files in I:\slotA\ and I:\slotB\ on LittleFS; the simulator writes each slot as one record instead.)
/// Every change rewrites the slot's record: "NFSL", the payload's length, the payload (file count, then per file its
/// name and bytes), and the payload's SHA-256. A region that holds no valid record is an empty slot.
/// </summary>
public sealed class FlashSlotStorage : ISlotStorage
{
    private static readonly byte[] Magic = "NFSL"u8.ToArray();
    private const int HeaderBytes = 8;
    private const int HashBytes = 32;

    private readonly IFlash[] _regions;
    private readonly MemorySlotStorage _files;
    private readonly object _gate = new();

    public FlashSlotStorage(IFlash slotA, IFlash slotB)
    {
        _regions = [slotA, slotB];
        // What fits in a record: the region less the header, the hash and, per file, a name and a length (the manifest and a few .pe files).
        _files = new MemorySlotStorage(Math.Min(slotA.Size, slotB.Size) - HeaderBytes - HashBytes - 1024);
        for (int slot = 0; slot < SlotLayout.SlotCount; slot++) Load(slot);
    }

    public int CapacityPerSlot => _files.CapacityPerSlot;

    public void EraseSlot(int slot)
    {
        lock (_gate)
        {
            _files.EraseSlot(slot);
            Save(slot);
        }
    }

    public void DeleteFile(int slot, string name)
    {
        lock (_gate)
        {
            if (_files.FileLength(slot, name) < 0) return;
            _files.DeleteFile(slot, name);
            Save(slot);
        }
    }

    public void Write(int slot, string name, int fileOffset, byte[] data, int dataOffset, int count)
    {
        lock (_gate)
        {
            _files.Write(slot, name, fileOffset, data, dataOffset, count);
            Save(slot);
        }
    }

    public int Read(int slot, string name, int fileOffset, byte[] buffer, int bufferOffset, int count)
    {
        lock (_gate) return _files.Read(slot, name, fileOffset, buffer, bufferOffset, count);
    }

    public int FileLength(int slot, string name)
    {
        lock (_gate) return _files.FileLength(slot, name);
    }

    public string[] List(int slot)
    {
        lock (_gate) return _files.List(slot);
    }

    private void Save(int slot)
    {
        using var payload = new MemoryStream();
        var names = _files.List(slot);
        WriteLittleEndian(payload, names.Length, 2);
        foreach (string name in names)
        {
            byte[] nameBytes = Encoding.UTF8.GetBytes(name);
            int length = _files.FileLength(slot, name);
            var content = new byte[length];
            _files.Read(slot, name, 0, content, 0, length);
            payload.WriteByte((byte)nameBytes.Length);
            payload.Write(nameBytes);
            WriteLittleEndian(payload, length, 4);
            payload.Write(content);
        }

        byte[] body = payload.ToArray();
        var record = new byte[HeaderBytes + body.Length + HashBytes];
        Magic.CopyTo(record, 0);
        BinaryPrimitives.WriteInt32LittleEndian(record.AsSpan(4), body.Length);
        body.CopyTo(record, HeaderBytes);
        SHA256.HashData(body).CopyTo(record, HeaderBytes + body.Length);
        var region = _regions[slot];
        if (record.Length > region.Size) throw new InvalidOperationException($"slot {SlotLayout.SlotName(slot)} is full ({region.Size} bytes of flash)");
        int sectors = (record.Length + region.SectorSize - 1) / region.SectorSize;
        for (int s = 0; s < region.Size / region.SectorSize; s++)
        {
            // The sectors the record needs, and the first one after it, so no stale record follows a shorter one.
            if (s <= sectors) region.EraseSector(s);
        }

        region.Program(0, record, 0, record.Length);
    }

    private static void WriteLittleEndian(Stream s, int value, int bytes)
    {
        for (int i = 0; i < bytes; i++) s.WriteByte((byte)(value >> (8 * i)));
    }

    private void Load(int slot)
    {
        var region = _regions[slot];
        var header = new byte[HeaderBytes];
        region.Read(0, header, 0, HeaderBytes);
        int length = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(4));
        if (!header.AsSpan(0, 4).SequenceEqual(Magic) || length < 2 || length > region.Size - HeaderBytes - HashBytes) return;
        var body = new byte[length];
        var hash = new byte[HashBytes];
        region.Read(HeaderBytes, body, 0, length);
        region.Read(HeaderBytes + length, hash, 0, HashBytes);
        if (!SHA256.HashData(body).AsSpan().SequenceEqual(hash)) return; // a torn or foreign record: an empty slot
        try
        {
            int at = 0;
            int count = BinaryPrimitives.ReadUInt16LittleEndian(body);
            at += 2;
            for (int i = 0; i < count; i++)
            {
                int nameLength = body[at++];
                string name = Encoding.UTF8.GetString(body, at, nameLength);
                at += nameLength;
                int fileLength = BinaryPrimitives.ReadInt32LittleEndian(body.AsSpan(at));
                at += 4;
                _files.Write(slot, name, 0, body, at, fileLength);
                at += fileLength;
            }
        }
        catch (Exception e) when (e is ArgumentException or IndexOutOfRangeException or InvalidOperationException)
        {
            _files.EraseSlot(slot); // a record that hashes right but does not parse: nothing usable in it
        }
    }
}
