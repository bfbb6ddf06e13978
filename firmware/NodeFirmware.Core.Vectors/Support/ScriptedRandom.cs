using System;

namespace NodeFirmware.Core.Vectors
{
    /// <summary>A Random that hands out given bytes in order (NextBytes only) and throws when they run out.</summary>
    public class ScriptedRandom : Random
    {
        private readonly byte[] _bytes;
        private int _at;

        public ScriptedRandom(byte[] bytes)
        {
            _bytes = bytes;
        }

        public override void NextBytes(byte[] buffer)
        {
            if (_at + buffer.Length > _bytes.Length) throw new InvalidOperationException("the scripted random bytes ran out");
            Array.Copy(_bytes, _at, buffer, 0, buffer.Length);
            _at += buffer.Length;
        }

        public override int Next()
        {
            throw new InvalidOperationException("only NextBytes is scripted");
        }
    }
}
