using System;

namespace NodeFirmware.Core.Crypto
{
    /// <summary>
    /// SHA-512 (FIPS 180-4, section 6.4), needed by Ed25519 (RFC 8032). Same use as <see cref="Sha256"/>:
    /// <see cref="Update"/> any number of times, then <see cref="Final"/>, which also resets the instance.
    /// </summary>
    public class Sha512
    {
        public const int HashSize = 64;
        public const int BlockSize = 128;

        private static readonly ulong[] K =
        {
            0x428a2f98d728ae22, 0x7137449123ef65cd, 0xb5c0fbcfec4d3b2f, 0xe9b5dba58189dbbc, 0x3956c25bf348b538,
            0x59f111f1b605d019, 0x923f82a4af194f9b, 0xab1c5ed5da6d8118, 0xd807aa98a3030242, 0x12835b0145706fbe,
            0x243185be4ee4b28c, 0x550c7dc3d5ffb4e2, 0x72be5d74f27b896f, 0x80deb1fe3b1696b1, 0x9bdc06a725c71235,
            0xc19bf174cf692694, 0xe49b69c19ef14ad2, 0xefbe4786384f25e3, 0x0fc19dc68b8cd5b5, 0x240ca1cc77ac9c65,
            0x2de92c6f592b0275, 0x4a7484aa6ea6e483, 0x5cb0a9dcbd41fbd4, 0x76f988da831153b5, 0x983e5152ee66dfab,
            0xa831c66d2db43210, 0xb00327c898fb213f, 0xbf597fc7beef0ee4, 0xc6e00bf33da88fc2, 0xd5a79147930aa725,
            0x06ca6351e003826f, 0x142929670a0e6e70, 0x27b70a8546d22ffc, 0x2e1b21385c26c926, 0x4d2c6dfc5ac42aed,
            0x53380d139d95b3df, 0x650a73548baf63de, 0x766a0abb3c77b2a8, 0x81c2c92e47edaee6, 0x92722c851482353b,
            0xa2bfe8a14cf10364, 0xa81a664bbc423001, 0xc24b8b70d0f89791, 0xc76c51a30654be30, 0xd192e819d6ef5218,
            0xd69906245565a910, 0xf40e35855771202a, 0x106aa07032bbd1b8, 0x19a4c116b8d2d0c8, 0x1e376c085141ab53,
            0x2748774cdf8eeb99, 0x34b0bcb5e19b48a8, 0x391c0cb3c5c95a63, 0x4ed8aa4ae3418acb, 0x5b9cca4f7763e373,
            0x682e6ff3d6b2b8a3, 0x748f82ee5defb2fc, 0x78a5636f43172f60, 0x84c87814a1f0ab72, 0x8cc702081a6439ec,
            0x90befffa23631e28, 0xa4506cebde82bde9, 0xbef9a3f7b2c67915, 0xc67178f2e372532b, 0xca273eceea26619c,
            0xd186b8c721c0c207, 0xeada7dd6cde0eb1e, 0xf57d4f7fee6ed178, 0x06f067aa72176fba, 0x0a637dc5a2c898a6,
            0x113f9804bef90dae, 0x1b710b35131c471b, 0x28db77f523047d84, 0x32caab7b40c72493, 0x3c9ebe0a15c9bebc,
            0x431d67c49c100d4c, 0x4cc5d4becb3e42b6, 0x597f299cfc657e2a, 0x5fcb6fab3ad6faec, 0x6c44198c4a475817,
        };

        private readonly ulong[] _h = new ulong[8];
        private readonly ulong[] _w = new ulong[80];
        private readonly byte[] _block = new byte[BlockSize];
        private int _blockLength;
        private ulong _totalBytes; // messages up to 2^61 bytes: the upper half of the 128-bit length stays 0

        public Sha512()
        {
            Reset();
        }

        public static byte[] Hash(byte[] data)
        {
            return Hash(data, 0, data.Length);
        }

        public static byte[] Hash(byte[] data, int offset, int count)
        {
            var sha = new Sha512();
            sha.Update(data, offset, count);
            return sha.Final();
        }

        public void Reset()
        {
            _h[0] = 0x6a09e667f3bcc908; _h[1] = 0xbb67ae8584caa73b; _h[2] = 0x3c6ef372fe94f82b; _h[3] = 0xa54ff53a5f1d36f1;
            _h[4] = 0x510e527fade682d1; _h[5] = 0x9b05688c2b3e6c1f; _h[6] = 0x1f83d9abfb41bd6b; _h[7] = 0x5be0cd19137e2179;
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

        /// <summary>Pads (section 5.1.2), returns the 64-byte digest and resets the instance.</summary>
        public byte[] Final()
        {
            ulong bitLength = _totalBytes * 8;
            var pad = new byte[_blockLength < 112 ? 112 - _blockLength : 240 - _blockLength];
            pad[0] = 0x80;
            Update(pad, 0, pad.Length);
            var length = new byte[16];
            for (int i = 0; i < 8; i++) length[8 + i] = (byte)(bitLength >> (56 - 8 * i));
            Update(length, 0, 16);
            var digest = new byte[HashSize];
            for (int i = 0; i < 8; i++)
            {
                ulong v = _h[i];
                for (int k = 0; k < 8; k++) digest[8 * i + k] = (byte)(v >> (56 - 8 * k));
            }
            Reset();
            return digest;
        }

        private void Compress(byte[] block, int offset)
        {
            ulong[] w = _w;
            for (int t = 0; t < 16; t++)
            {
                ulong v = 0;
                int i = offset + 8 * t;
                for (int k = 0; k < 8; k++) v = (v << 8) | block[i + k];
                w[t] = v;
            }
            // Rotations written out, as in Sha256: no call per rotation under the interpreter.
            for (int t = 16; t < 80; t++)
            {
                ulong x = w[t - 15];
                ulong y = w[t - 2];
                ulong sigma0 = ((x >> 1) | (x << 63)) ^ ((x >> 8) | (x << 56)) ^ (x >> 7);
                ulong sigma1 = ((y >> 19) | (y << 45)) ^ ((y >> 61) | (y << 3)) ^ (y >> 6);
                w[t] = unchecked(sigma1 + w[t - 7] + sigma0 + w[t - 16]);
            }
            ulong a = _h[0], b = _h[1], c = _h[2], d = _h[3], e = _h[4], f = _h[5], g = _h[6], h = _h[7];
            for (int t = 0; t < 80; t++)
            {
                ulong bigSigma1 = ((e >> 14) | (e << 50)) ^ ((e >> 18) | (e << 46)) ^ ((e >> 41) | (e << 23));
                ulong ch = (e & f) ^ (~e & g);
                ulong t1 = unchecked(h + bigSigma1 + ch + K[t] + w[t]);
                ulong bigSigma0 = ((a >> 28) | (a << 36)) ^ ((a >> 34) | (a << 30)) ^ ((a >> 39) | (a << 25));
                ulong maj = (a & b) ^ (a & c) ^ (b & c);
                ulong t2 = unchecked(bigSigma0 + maj);
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
