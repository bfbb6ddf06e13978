using System;
using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Telemetry;

namespace NodeFirmware.Core.Storage
{
    /// <summary>
    /// The store-and-forward journal: readings survive deep sleep, reboots, outages and power cuts until
    /// the broker acknowledged them. A ring of flash sectors, each opened with a checkpoint header and
    /// then filled with 32-byte slots programmed once (see docs/formats/journal.md).
    ///
    /// When full, the oldest sector is erased to make room: its unreleased readings are dropped and
    /// counted (<see cref="DroppedTotal"/>), so the newest data wins. A power cut during any program or
    /// erase loses at most the record being written; a reading whose <see cref="Append"/> returned is kept.
    /// </summary>
    public class Journal
    {
        private readonly IFlash _flash;
        private readonly Random _random;
        private readonly int _sectorCount;
        private readonly int _slotsPerSector;
        private readonly byte[] _sector;
        private readonly byte[] _slot = new byte[JournalRecord.Size];

        private uint[] _sectorSequence; // 0 = sector holds no valid header
        private int _active = -1;
        private int _nextSlot;
        private int _pending;
        private VitalsCounters _vitals = new VitalsCounters();
        private byte[] _lastVitalsRecord; // the newest kind-4 record written or recovered; null before the first

        public Journal(IFlash flash, Random random)
        {
            _flash = flash;
            _random = random;
            _sectorCount = flash.Size / flash.SectorSize;
            if (_sectorCount < 2) throw new ArgumentException("the journal needs at least two sectors");
            _slotsPerSector = (flash.SectorSize - SectorHeader.Size) / JournalRecord.Size;
            _sector = new byte[flash.SectorSize];
            _sectorSequence = new uint[_sectorCount];
            Recover();
        }

        /// <summary>Identifies this run of sequence numbers; a new random value whenever the journal starts empty.</summary>
        public uint Epoch { get; private set; }

        public uint NextSequence { get; private set; }

        /// <summary>Highest sequence the broker acknowledged (0 = none yet).</summary>
        public uint ReleasedThrough { get; private set; }

        public uint DroppedTotal { get; private set; }

        public uint ConsecutiveLinkFailures { get; private set; }

        public uint NextLinkAttemptUnixTime { get; private set; }

        public int PendingCount { get { return _pending; } }

        /// <summary>The vitals counters as last saved (or recovered): a copy, changed through <see cref="SaveVitals"/>.</summary>
        public VitalsCounters Vitals { get { return _vitals.Clone(); } }

        /// <summary>Time of the newest reading stored (0 = none); lets the scheduler resume after deep sleep.</summary>
        public uint LastReadingUnixTime { get; private set; }

        /// <summary>How many readings the journal can hold, counting one slot per reading.</summary>
        public int Capacity { get { return _sectorCount * _slotsPerSector; } }

        /// <summary>Stores a reading durably, giving it the next sequence number, and returns that number.</summary>
        public uint Append(Reading reading, bool timeValid)
        {
            reading.Sequence = NextSequence;
            WriteSlot(JournalRecord.EncodeReading(reading, timeValid));
            NextSequence++;
            LastReadingUnixTime = reading.UnixTime;
            _pending++;
            return reading.Sequence;
        }

        /// <summary>Marks every reading up to and including <paramref name="sequence"/> as acknowledged by the broker.</summary>
        public void Release(uint sequence)
        {
            if (sequence <= ReleasedThrough) return;
            if (sequence >= NextSequence) throw new ArgumentException("cannot release a reading that was never stored");
            WriteSlot(JournalRecord.EncodeReleased(sequence));
            ReleasedThrough = sequence;
            _pending = CountPending();
        }

        /// <summary>Persists the link's back-off state so it survives deep sleep.</summary>
        public void SaveLinkState(uint consecutiveFailures, uint nextAttemptUnixTime)
        {
            SaveLinkAndVitals(consecutiveFailures, nextAttemptUnixTime, _vitals);
        }

        /// <summary>Persists the link's back-off state and the vitals counters in one record; nothing is written when neither changed.</summary>
        public void SaveLinkState(uint consecutiveFailures, uint nextAttemptUnixTime, VitalsCounters vitals)
        {
            SaveLinkAndVitals(consecutiveFailures, nextAttemptUnixTime, vitals);
        }

        /// <summary>Persists the vitals counters (with the link state, in one record); nothing is written when they did not change.</summary>
        public void SaveVitals(VitalsCounters vitals)
        {
            SaveLinkAndVitals(ConsecutiveLinkFailures, NextLinkAttemptUnixTime, vitals);
        }

        private void SaveLinkAndVitals(uint consecutiveFailures, uint nextAttemptUnixTime, VitalsCounters vitals)
        {
            byte[] record = JournalRecord.EncodeVitals(consecutiveFailures, nextAttemptUnixTime, vitals);
            if (_lastVitalsRecord != null ? SameRecord(record, _lastVitalsRecord)
                : consecutiveFailures == ConsecutiveLinkFailures && nextAttemptUnixTime == NextLinkAttemptUnixTime && IsZero(vitals)) return;
            WriteSlot(record);
            _lastVitalsRecord = record;
            ConsecutiveLinkFailures = consecutiveFailures;
            NextLinkAttemptUnixTime = nextAttemptUnixTime;
            _vitals = JournalRecord.DecodeVitals(record);
        }

        private static bool SameRecord(byte[] a, byte[] b)
        {
            for (int i = 0; i < JournalRecord.Size; i++) if (a[i] != b[i]) return false;
            return true;
        }

        private static bool IsZero(VitalsCounters v)
        {
            return v.Boots == 0 && v.Brownouts == 0 && v.Watchdogs == 0 && v.Panics == 0 && v.Reconnects == 0
                && v.HeapLowWater == 0 && v.ResetUnixTime == 0 && !v.BirthDue;
        }

        /// <summary>Copies up to <paramref name="max"/> unreleased readings, oldest first, into <paramref name="into"/>.</summary>
        public int ReadPending(Reading[] into, int max)
        {
            return ReadPendingAfter(0, into, max);
        }

        /// <summary>As <see cref="ReadPending"/>, but only readings after <paramref name="after"/> (ones already sent and not yet acknowledged are skipped).</summary>
        public int ReadPendingAfter(uint after, Reading[] into, int max)
        {
            uint from = after > ReleasedThrough ? after : ReleasedThrough;
            int n = 0;
            int index = OldestSector();
            for (int visited = 0; visited < _sectorCount && n < max; visited++, index = (index + 1) % _sectorCount)
            {
                if (_sectorSequence[index] == 0) continue;
                _flash.Read(index * _flash.SectorSize, _sector, 0, _sector.Length);
                for (int s = 0; s < _slotsPerSector && n < max; s++)
                {
                    if (!ReadSlotFromSector(s)) continue;
                    if (_slot[0] != JournalRecord.KindReading) continue;
                    uint sequence = JournalRecord.Field(_slot, 4);
                    if (sequence <= from || sequence >= NextSequence) continue;
                    into[n++] = JournalRecord.DecodeReading(_slot);
                }
            }
            return n;
        }

        private void Recover()
        {
            SectorHeader newest = null;
            for (int i = 0; i < _sectorCount; i++)
            {
                _flash.Read(i * _flash.SectorSize, _sector, 0, SectorHeader.Size);
                var header = SectorHeader.Decode(_sector);
                _sectorSequence[i] = header == null ? 0 : header.SectorSequence;
                if (header != null && (newest == null || header.SectorSequence > newest.SectorSequence))
                {
                    newest = header;
                    _active = i;
                }
            }

            if (newest == null)
            {
                StartEmpty();
                return;
            }

            Epoch = newest.Epoch;
            NextSequence = newest.NextSequence;
            ReleasedThrough = newest.ReleasedThrough;
            DroppedTotal = newest.Dropped;
            ReplayRecords();
            _pending = CountPending();
        }

        private void StartEmpty()
        {
            uint epoch;
            do { epoch = (uint)_random.Next() ^ ((uint)_random.Next() << 16); } while (epoch == 0);
            Epoch = epoch;
            NextSequence = 1;
            ReleasedThrough = 0;
            DroppedTotal = 0;
            _active = -1;
            _pending = 0;
            for (int i = 0; i < _sectorCount; i++) _sectorSequence[i] = 0;
            OpenSector(0, 1);
        }

        /// <summary>Reads every valid record, oldest sector first, and finds where the next slot goes.</summary>
        private void ReplayRecords()
        {
            int index = OldestSector();
            for (int visited = 0; visited < _sectorCount; visited++, index = (index + 1) % _sectorCount)
            {
                if (_sectorSequence[index] == 0) continue;
                _flash.Read(index * _flash.SectorSize, _sector, 0, _sector.Length);
                int lastUsed = -1;
                for (int s = 0; s < _slotsPerSector; s++)
                {
                    int offset = SectorHeader.Size + s * JournalRecord.Size;
                    if (!JournalRecord.IsErased(_sector, offset, JournalRecord.Size)) lastUsed = s;
                    if (!ReadSlotFromSector(s)) continue;
                    uint a = JournalRecord.Field(_slot, 4);
                    switch (_slot[0])
                    {
                        case JournalRecord.KindReading:
                            if (a >= NextSequence) NextSequence = a + 1;
                            if (a + 1 == NextSequence) LastReadingUnixTime = JournalRecord.Field(_slot, 8);
                            break;
                        case JournalRecord.KindReleased:
                            if (a > ReleasedThrough) ReleasedThrough = a;
                            break;
                        case JournalRecord.KindLinkState:
                            ConsecutiveLinkFailures = a;
                            NextLinkAttemptUnixTime = JournalRecord.Field(_slot, 8);
                            break;
                        case JournalRecord.KindVitals:
                            ConsecutiveLinkFailures = a;
                            NextLinkAttemptUnixTime = JournalRecord.Field(_slot, 8);
                            _vitals = JournalRecord.DecodeVitals(_slot);
                            _lastVitalsRecord = new byte[JournalRecord.Size];
                            Array.Copy(_slot, _lastVitalsRecord, JournalRecord.Size);
                            break;
                    }
                }
                if (index == _active) _nextSlot = lastUsed + 1;
            }
        }

        private int CountPending()
        {
            int count = 0;
            for (int index = 0; index < _sectorCount; index++)
            {
                if (_sectorSequence[index] == 0) continue;
                _flash.Read(index * _flash.SectorSize, _sector, 0, _sector.Length);
                for (int s = 0; s < _slotsPerSector; s++)
                {
                    if (!ReadSlotFromSector(s) || _slot[0] != JournalRecord.KindReading) continue;
                    uint sequence = JournalRecord.Field(_slot, 4);
                    if (sequence > ReleasedThrough && sequence < NextSequence) count++;
                }
            }
            return count;
        }

        private void WriteSlot(byte[] record)
        {
            if (_active < 0 || _nextSlot >= _slotsPerSector)
            {
                int next = _active < 0 ? 0 : (_active + 1) % _sectorCount;
                OpenSector(next, _active < 0 ? 1 : _sectorSequence[_active] + 1);
                // The ring will erase the sector holding the newest vitals record some day: carry it into each new sector.
                if (_lastVitalsRecord != null && record[0] != JournalRecord.KindVitals) ProgramSlot(_lastVitalsRecord);
            }
            ProgramSlot(record);
        }

        private void ProgramSlot(byte[] record)
        {
            int address = _active * _flash.SectorSize + SectorHeader.Size + _nextSlot * JournalRecord.Size;
            _nextSlot++; // a torn program leaves a slot that must not be reused
            _flash.Program(address, record, 0, record.Length);
        }

        /// <summary>Erases a sector (dropping what it still held) and writes its checkpoint header.</summary>
        private void OpenSector(int index, uint sectorSequence)
        {
            if (_sectorSequence[index] != 0)
            {
                uint dropped = CountUnreleasedIn(index);
                DroppedTotal += dropped;
                _pending -= (int)dropped;
            }
            _sectorSequence[index] = 0;
            _flash.EraseSector(index);
            var header = new SectorHeader();
            header.SectorSequence = sectorSequence;
            header.Epoch = Epoch;
            header.NextSequence = NextSequence;
            header.ReleasedThrough = ReleasedThrough;
            header.Dropped = DroppedTotal;
            var bytes = header.Encode();
            _flash.Program(index * _flash.SectorSize, bytes, 0, bytes.Length);
            _sectorSequence[index] = sectorSequence;
            _active = index;
            _nextSlot = 0;
        }

        private uint CountUnreleasedIn(int index)
        {
            _flash.Read(index * _flash.SectorSize, _sector, 0, _sector.Length);
            uint count = 0;
            for (int s = 0; s < _slotsPerSector; s++)
            {
                if (!ReadSlotFromSector(s) || _slot[0] != JournalRecord.KindReading) continue;
                uint sequence = JournalRecord.Field(_slot, 4);
                if (sequence > ReleasedThrough && sequence < NextSequence) count++;
            }
            return count;
        }

        /// <summary>Copies slot s of the sector buffer into the slot buffer; false when it is not a valid record.</summary>
        private bool ReadSlotFromSector(int s)
        {
            Array.Copy(_sector, SectorHeader.Size + s * JournalRecord.Size, _slot, 0, JournalRecord.Size);
            return JournalRecord.IsValid(_slot);
        }

        private int OldestSector()
        {
            int oldest = 0;
            uint best = uint.MaxValue;
            for (int i = 0; i < _sectorCount; i++)
            {
                if (_sectorSequence[i] != 0 && _sectorSequence[i] < best)
                {
                    best = _sectorSequence[i];
                    oldest = i;
                }
            }
            return oldest;
        }
    }
}
