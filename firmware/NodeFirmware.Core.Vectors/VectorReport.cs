using System.Collections;

namespace NodeFirmware.Core.Vectors
{
    /// <summary>What one vector file gave: cases that matched, and one line for each that did not.</summary>
    public class VectorReport
    {
        private readonly ArrayList _failures = new ArrayList();

        public int Passed { get; private set; }

        public int Failed { get { return _failures.Count; } }

        public string[] Failures
        {
            get
            {
                var all = new string[_failures.Count];
                _failures.CopyTo(all);
                return all;
            }
        }

        public void Pass()
        {
            Passed++;
        }

        public void Fail(string line)
        {
            _failures.Add(line);
        }
    }
}
