using System;

namespace NodeFirmware.Core.Provisioning
{
    /// <summary>
    /// Builds DER (X.690) elements from their contents, inside out: each call returns the whole element. Enough for
    /// the certificate request and private key the device makes (<see cref="CsrBuilder"/>, <see cref="DeviceKey"/>):
    /// low tag numbers, definite lengths.
    /// </summary>
    public static class DerWriter
    {
        public const int Utf8String = 0x0C;
        public const int Set = 0x31;

        public static byte[] Element(int tag, byte[] content)
        {
            int n = content.Length;
            int lengthBytes = n < 0x80 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 4;
            var element = new byte[1 + lengthBytes + n];
            element[0] = (byte)tag;
            if (lengthBytes == 1) element[1] = (byte)n;
            else
            {
                element[1] = (byte)(0x80 | (lengthBytes - 1));
                for (int i = 0; i < lengthBytes - 1; i++) element[1 + lengthBytes - 1 - i] = (byte)(n >> (8 * i));
            }
            Array.Copy(content, 0, element, 1 + lengthBytes, n);
            return element;
        }

        public static byte[] Sequence(params byte[][] elements)
        {
            return Element(DerReader.Sequence, Concat(elements));
        }

        /// <summary>An INTEGER holding an unsigned big-endian value: leading zeros dropped, one 00 added when the top bit is set.</summary>
        public static byte[] UnsignedInteger(byte[] bigEndian)
        {
            int start = 0;
            while (start < bigEndian.Length - 1 && bigEndian[start] == 0) start++;
            int pad = (bigEndian[start] & 0x80) != 0 ? 1 : 0;
            var content = new byte[pad + bigEndian.Length - start];
            Array.Copy(bigEndian, start, content, pad, bigEndian.Length - start);
            return Element(DerReader.Integer, content);
        }

        public static byte[] SmallInteger(int value)
        {
            if (value < 0 || value > 127) throw new ArgumentException("0..127");
            return Element(DerReader.Integer, new byte[] { (byte)value });
        }

        /// <summary>A BIT STRING of whole bytes (no unused bits).</summary>
        public static byte[] BitString(byte[] bytes)
        {
            var content = new byte[bytes.Length + 1];
            Array.Copy(bytes, 0, content, 1, bytes.Length);
            return Element(DerReader.BitString, content);
        }

        public static byte[] Concat(byte[][] parts)
        {
            int total = 0;
            for (int i = 0; i < parts.Length; i++) total += parts[i].Length;
            var all = new byte[total];
            int at = 0;
            for (int i = 0; i < parts.Length; i++)
            {
                Array.Copy(parts[i], 0, all, at, parts[i].Length);
                at += parts[i].Length;
            }
            return all;
        }
    }
}
