using System;

namespace NodeFirmware.Core.Crypto
{
    /// <summary>
    /// SHA-256 (FIPS 180-4, section 6.2). Feed data with <see cref="Update"/>, finish with <see cref="Final"/>;
    /// after Final the instance starts over. nanoFramework's crypto library has no SHA-256, hence this one.
    /// </summary>
    public class Sha256
    {
        public const int HashSize = 32;
        public const int BlockSize = 64;

        private static readonly uint[] K =
        {
            0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
            0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
            0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
            0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
            0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
            0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
            0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
            0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
        };

        private readonly uint[] _h = new uint[8];
        private readonly uint[] _w = new uint[64];
        private readonly byte[] _block = new byte[BlockSize];
        private int _blockLength;
        private ulong _totalBytes;

        public Sha256()
        {
            Reset();
        }

        public static byte[] Hash(byte[] data)
        {
            return Hash(data, 0, data.Length);
        }

        public static byte[] Hash(byte[] data, int offset, int count)
        {
            var sha = new Sha256();
            sha.Update(data, offset, count);
            return sha.Final();
        }

        public void Reset()
        {
            _h[0] = 0x6a09e667; _h[1] = 0xbb67ae85; _h[2] = 0x3c6ef372; _h[3] = 0xa54ff53a;
            _h[4] = 0x510e527f; _h[5] = 0x9b05688c; _h[6] = 0x1f83d9ab; _h[7] = 0x5be0cd19;
            _blockLength = 0;
            _totalBytes = 0;
        }

        public void Update(byte[] data)
        {
            Update(data, 0, data.Length);
        }

        public void Update(byte[] data, int offset, int count)
        {
            if (data == null) throw new ArgumentNullException("data");
            if (offset < 0 || count < 0 || offset + count > data.Length) throw new ArgumentOutOfRangeException("count");
            _totalBytes += (ulong)count;
            if (_blockLength > 0)
            {
                int take = BlockSize - _blockLength;
                if (take > count) take = count;
                Array.Copy(data, offset, _block, _blockLength, take);
                _blockLength += take;
                offset += take;
                count -= take;
                if (_blockLength < BlockSize) return;
                Compress(_block, 0);
                _blockLength = 0;
            }
            while (count >= BlockSize)
            {
                Compress(data, offset);
                offset += BlockSize;
                count -= BlockSize;
            }
            if (count > 0)
            {
                Array.Copy(data, offset, _block, 0, count);
                _blockLength = count;
            }
        }

        /// <summary>Pads (section 5.1.1), returns the 32-byte digest and resets the instance.</summary>
        public byte[] Final()
        {
            ulong bitLength = _totalBytes * 8;
            var pad = new byte[_blockLength < 56 ? 56 - _blockLength : 120 - _blockLength];
            pad[0] = 0x80;
            Update(pad, 0, pad.Length);
            var length = new byte[8];
            for (int i = 0; i < 8; i++) length[i] = (byte)(bitLength >> (56 - 8 * i));
            Update(length, 0, 8);
            var digest = new byte[HashSize];
            for (int i = 0; i < 8; i++)
            {
                uint v = _h[i];
                digest[4 * i] = (byte)(v >> 24);
                digest[4 * i + 1] = (byte)(v >> 16);
                digest[4 * i + 2] = (byte)(v >> 8);
                digest[4 * i + 3] = (byte)v;
            }
            Reset();
            return digest;
        }

        private void Compress(byte[] block, int offset)
        {
            uint[] w = _w;
            for (int t = 0; t < 16; t++)
            {
                int i = offset + 4 * t;
                w[t] = ((uint)block[i] << 24) | ((uint)block[i + 1] << 16) | ((uint)block[i + 2] << 8) | block[i + 3];
            }
            // Rotations are written out (x >> n | x << 32 - n): a call per rotation is costly under nanoCLR's interpreter.
            for (int t = 16; t < 64; t++)
            {
                uint x = w[t - 15];
                uint y = w[t - 2];
                uint sigma0 = ((x >> 7) | (x << 25)) ^ ((x >> 18) | (x << 14)) ^ (x >> 3);
                uint sigma1 = ((y >> 17) | (y << 15)) ^ ((y >> 19) | (y << 13)) ^ (y >> 10);
                w[t] = unchecked(sigma1 + w[t - 7] + sigma0 + w[t - 16]);
            }
            uint a = _h[0], b = _h[1], c = _h[2], d = _h[3], e = _h[4], f = _h[5], g = _h[6], h = _h[7];
            for (int t = 0; t < 64; t++)
            {
                uint bigSigma1 = ((e >> 6) | (e << 26)) ^ ((e >> 11) | (e << 21)) ^ ((e >> 25) | (e << 7));
                uint ch = (e & f) ^ (~e & g);
                uint t1 = unchecked(h + bigSigma1 + ch + K[t] + w[t]);
                uint bigSigma0 = ((a >> 2) | (a << 30)) ^ ((a >> 13) | (a << 19)) ^ ((a >> 22) | (a << 10));
                uint maj = (a & b) ^ (a & c) ^ (b & c);
                uint t2 = unchecked(bigSigma0 + maj);
                h = g; g = f; f = e;
                e = unchecked(d + t1);
                d = c; c = b; b = a;
                a = unchecked(t1 + t2);
            }
            unchecked
            {
                _h[0] += a; _h[1] += b; _h[2] += c; _h[3] += d;
                _h[4] += e; _h[5] += f; _h[6] += g; _h[7] += h;
            }
        }
    }
}
