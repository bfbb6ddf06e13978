using System;

namespace NodeFirmware.Core.Vectors
{
    /// <summary>A vector file that cannot be read as written: a test-data error, never a Core result.</summary>
    public class VectorFormatException : Exception
    {
        public VectorFormatException(string message) : base(message) { }
    }
}
