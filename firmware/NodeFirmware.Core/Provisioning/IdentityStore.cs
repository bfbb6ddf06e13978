using System;
using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Storage;

namespace NodeFirmware.Core.Provisioning
{
    /// <summary>
    /// Keeps the provisioning bundle in a <see cref="DualCopyStore"/> (two sectors from
    /// <c>firstSector</c>), so a power cut during any write leaves the previous record or the new one,
    /// never a mix. Record: format byte (1), <see cref="IdentityState"/> byte, then the bundle bytes.
    /// </summary>
    public class IdentityStore
    {
        private const byte RecordFormat = 1;
        private const int RecordHeader = 2;

        private readonly DualCopyStore _store;
        private IdentityState _state;
        private byte[] _bundle;
        private bool _loaded;

        public IdentityStore(IFlash flash, int firstSector)
        {
            if (flash == null) throw new ArgumentNullException("flash");
            _store = new DualCopyStore(flash, firstSector);
        }

        public int MaxBundleSize { get { return _store.MaxPayload - RecordHeader; } }

        public IdentityState State
        {
            get { EnsureLoaded(); return _state; }
        }

        /// <summary>The stored bundle bytes (Stored or Committed), or null when Empty.</summary>
        public byte[] BundleBytes
        {
            get { EnsureLoaded(); return _bundle; }
        }

        /// <summary>The committed bundle the device runs with, or null when it has none (or it no longer decodes).</summary>
        public ProvisioningBundle LoadCommitted()
        {
            EnsureLoaded();
            if (_state != IdentityState.Committed) return null;
            try
            {
                return BundleCodec.Decode(_bundle);
            }
            catch (ProvisioningException)
            {
                return null;
            }
        }

        /// <summary>Writes a bundle as Stored (not yet the device's identity) and returns the bytes read back.</summary>
        public byte[] SaveStored(byte[] bundle)
        {
            if (bundle == null || bundle.Length == 0) throw new ArgumentException("empty bundle");
            if (bundle.Length > MaxBundleSize) throw new ArgumentException("bundle of " + bundle.Length + " bytes exceeds " + MaxBundleSize);
            Write(IdentityState.Stored, bundle);
            return ReloadBundle();
        }

        /// <summary>Marks the stored bundle as committed.</summary>
        public void Commit()
        {
            EnsureLoaded();
            if (_state == IdentityState.Empty) throw new InvalidOperationException("nothing stored to commit");
            if (_state == IdentityState.Committed) return;
            Write(IdentityState.Committed, _bundle);
            ReloadBundle();
        }

        /// <summary>
        /// Forgets the identity. Written twice so that both copies are overwritten and the old key does
        /// not stay behind in the other sector.
        /// </summary>
        public void Erase()
        {
            Write(IdentityState.Empty, new byte[0]);
            Write(IdentityState.Empty, new byte[0]);
            ReloadBundle();
        }

        /// <summary>Forgets what was read so the next access reads the flash again.</summary>
        public void Invalidate()
        {
            _loaded = false;
        }

        private void Write(IdentityState state, byte[] bundle)
        {
            var record = new byte[RecordHeader + bundle.Length];
            record[0] = RecordFormat;
            record[1] = (byte)state;
            Array.Copy(bundle, 0, record, RecordHeader, bundle.Length);
            _loaded = false;
            _store.Write(record);
        }

        private byte[] ReloadBundle()
        {
            _loaded = false;
            EnsureLoaded();
            return _bundle;
        }

        private void EnsureLoaded()
        {
            if (_loaded) return;
            _state = IdentityState.Empty;
            _bundle = null;
            byte[] record = _store.Read();
            _loaded = true;
            if (record == null || record.Length < RecordHeader || record[0] != RecordFormat) return;
            int state = record[1];
            if (state != (int)IdentityState.Stored && state != (int)IdentityState.Committed) return;
            if (record.Length == RecordHeader) return;
            _bundle = new byte[record.Length - RecordHeader];
            Array.Copy(record, RecordHeader, _bundle, 0, _bundle.Length);
            _state = (IdentityState)state;
        }
    }
}
