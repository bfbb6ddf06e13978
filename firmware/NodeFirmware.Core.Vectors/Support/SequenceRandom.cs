using System;

namespace NodeFirmware.Core.Vectors
{
    /// <summary>
    /// A Random whose numbers are fixed by its seed on every runtime (a 31-bit linear congruential generator):
    /// System.Random's own sequence is not the same on .NET and nanoFramework.
    /// </summary>
    public class SequenceRandom : Random
    {
        private uint _state;

        public SequenceRandom(uint seed)
        {
            _state = seed;
        }

        public override int Next()
        {
            _state = _state * 1103515245 + 12345;
            return (int)(_state >> 1);
        }

        public override int Next(int maxValue)
        {
            return (int)((ulong)(uint)Next() * (ulong)maxValue >> 31);
        }
    }
}
