using NodeFirmware.Core.Cbor;
using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Storage;

namespace NodeFirmware.Core.Ota
{
    /// <summary>
    /// Keeps the <see cref="BootState"/> in a <see cref="DualCopyStore"/> (two sectors, sequence + CRC): a
    /// power cut during <see cref="Save"/> leaves the previous state readable.
    /// </summary>
    public class BootStateStore
    {
        private readonly DualCopyStore _store;

        /// <summary>Uses sectors <paramref name="firstSector"/> and the one after it of <paramref name="flash"/>.</summary>
        public BootStateStore(IFlash flash, int firstSector)
        {
            _store = new DualCopyStore(flash, firstSector);
        }

        /// <summary>The newest stored state, or null when none was ever written (or both copies are unreadable).</summary>
        public BootState Load()
        {
            byte[] payload = _store.Read();
            if (payload == null) return null;
            try
            {
                return BootStateCodec.Decode(payload);
            }
            catch (CborException)
            {
                return null;
            }
        }

        public void Save(BootState state)
        {
            _store.Write(BootStateCodec.Encode(state));
        }
    }
}
