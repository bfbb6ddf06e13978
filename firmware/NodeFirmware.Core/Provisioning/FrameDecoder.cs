using System;
using NodeFirmware.Core.Util;

namespace NodeFirmware.Core.Provisioning
{
    /// <summary>
    /// Turns a byte stream into frames. Bytes before a frame's magic are skipped (and counted in
    /// <see cref="SkippedBytes"/>); a header or frame that fails its CRC, announces a payload over the
    /// limit, or has another protocol version is rejected with the reason and decoding carries on with
    /// the bytes after it. Feed bytes as they arrive with <see cref="Feed"/>, then call <see cref="Next"/>
    /// until it returns null.
    /// </summary>
    public class FrameDecoder
    {
        private readonly int _maxPayload;
        private byte[] _buffer;
        private int _start;
        private int _end;
        private int _discard;

        public FrameDecoder() : this(ProvisioningProtocol.DefaultMaxPayload) { }

        public FrameDecoder(int maxPayload)
        {
            if (maxPayload < 0 || maxPayload > ProvisioningProtocol.AbsoluteMaxPayload) throw new ArgumentOutOfRangeException("maxPayload");
            _maxPayload = maxPayload;
            _buffer = new byte[256];
        }

        public int MaxPayload { get { return _maxPayload; } }

        /// <summary>Bytes dropped as noise between frames, including the bodies of oversized frames.</summary>
        public long SkippedBytes { get; private set; }

        /// <summary>Bytes received but not yet part of a frame or rejection.</summary>
        public int Buffered { get { return _end - _start; } }

        /// <summary>Forgets any partial frame, e.g. after the link was idle too long.</summary>
        public void Reset()
        {
            SkippedBytes += _end - _start;
            _start = 0;
            _end = 0;
            _discard = 0;
        }

        public void Feed(byte[] data, int offset, int count)
        {
            if (data == null) throw new ArgumentNullException("data");
            if (offset < 0 || count < 0 || offset + count > data.Length) throw new ArgumentOutOfRangeException("count");
            if (_discard > 0)
            {
                int drop = count < _discard ? count : _discard;
                _discard -= drop;
                SkippedBytes += drop;
                offset += drop;
                count -= drop;
            }
            if (count == 0) return;
            Compact();
            if (_end + count > _buffer.Length)
            {
                int size = _buffer.Length * 2;
                while (size < _end + count) size *= 2;
                var grown = new byte[size];
                Array.Copy(_buffer, 0, grown, 0, _end);
                _buffer = grown;
            }
            Array.Copy(data, offset, _buffer, _end, count);
            _end += count;
        }

        /// <summary>The next frame or rejection, or null when more bytes are needed.</summary>
        public FrameDecodeResult Next()
        {
            if (!SkipToMagic()) return null;
            if (_end - _start < ProvisioningProtocol.HeaderSize) return null;

            int h = _start;
            if (Crc32.Compute(_buffer, h, 9) != ByteOrder.ReadUInt32LE(_buffer, h + 9))
            {
                _start++; // the bytes after this false or damaged magic may still hold a frame
                return FrameDecodeResult.Rejected(FrameRejectReason.HeaderCrc, "header CRC mismatch", false, 0, -1);
            }

            byte version = _buffer[h + 3];
            var type = (MessageType)_buffer[h + 4];
            int sequence = ByteOrder.ReadUInt16LE(_buffer, h + 5);
            int length = ByteOrder.ReadUInt16LE(_buffer, h + 7);
            if (length > _maxPayload)
            {
                _start += ProvisioningProtocol.HeaderSize;
                int body = length + ProvisioningProtocol.TrailerSize;
                int here = _end - _start < body ? _end - _start : body;
                _start += here;
                SkippedBytes += here;
                _discard = body - here;
                return FrameDecodeResult.Rejected(FrameRejectReason.Oversized,
                    "payload of " + length + " bytes exceeds the limit of " + _maxPayload, true, type, sequence);
            }

            int total = ProvisioningProtocol.Overhead + length;
            if (_end - _start < total) return null;
            int crcAt = h + ProvisioningProtocol.HeaderSize + length;
            if (Crc32.Compute(_buffer, h, crcAt - h) != ByteOrder.ReadUInt32LE(_buffer, crcAt))
            {
                _start += total;
                return FrameDecodeResult.Rejected(FrameRejectReason.FrameCrc, "frame CRC mismatch", true, type, sequence);
            }
            if (version != ProvisioningProtocol.Version)
            {
                _start += total;
                return FrameDecodeResult.Rejected(FrameRejectReason.UnsupportedVersion,
                    "protocol version " + version + " is not supported (this side speaks " + ProvisioningProtocol.Version + ")", true, type, sequence);
            }

            var payload = new byte[length];
            Array.Copy(_buffer, h + ProvisioningProtocol.HeaderSize, payload, 0, length);
            _start += total;
            return FrameDecodeResult.Accepted(new Frame(version, type, sequence, payload));
        }

        /// <summary>Moves to the next "NFP"; false when none is buffered (a possible partial magic is kept).</summary>
        private bool SkipToMagic()
        {
            int i = _start;
            while (i + 3 <= _end)
            {
                if (_buffer[i] == ProvisioningProtocol.Magic0 && _buffer[i + 1] == ProvisioningProtocol.Magic1 && _buffer[i + 2] == ProvisioningProtocol.Magic2)
                {
                    SkippedBytes += i - _start;
                    _start = i;
                    return true;
                }
                i++;
            }
            int keep = 0;
            if (_end - _start >= 2 && _buffer[_end - 2] == ProvisioningProtocol.Magic0 && _buffer[_end - 1] == ProvisioningProtocol.Magic1) keep = 2;
            else if (_end - _start >= 1 && _buffer[_end - 1] == ProvisioningProtocol.Magic0) keep = 1;
            SkippedBytes += _end - keep - _start;
            _start = _end - keep;
            return false;
        }

        private void Compact()
        {
            if (_start == 0) return;
            int n = _end - _start;
            for (int i = 0; i < n; i++) _buffer[i] = _buffer[_start + i];
            _start = 0;
            _end = n;
        }
    }
}
