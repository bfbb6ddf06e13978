using System;

namespace NodeFirmware.Core.Cbor
{
    /// <summary>Malformed, truncated, oversized or unexpected CBOR.</summary>
    public class CborException : Exception
    {
        public CborException(string message) : base(message) { }
    }
}
