using System;
using nanoFramework.TestFramework;
using NodeFirmware.Core.Vectors;

namespace NodeFirmware.Core.NanoTests
{
    /// <summary>
    /// Runs one baked vector file through Core on nanoCLR with the same checks as NodeFirmware.Core.Tests on
    /// .NET, prints each failing case, and fails the test if any did. Prints the lane's summary line at the end,
    /// which test-nano.sh requires: without it, the run did not finish.
    /// </summary>
    public static class VectorFileRun
    {
        private static int _files;
        private static int _cases;
        private static int _failures;

        public static void Run(string name, string text)
        {
            Assert.IsNotNull(text, "no baked text for " + name);
            VectorFile file = VectorFile.Parse(text);
            VectorReport report = VectorRunner.Run(file);
            foreach (string failure in report.Failures) Console.WriteLine("vector failed: " + name + ": " + failure);
            _files++;
            _cases += report.Passed + report.Failed;
            _failures += report.Failed;
            Console.WriteLine("vectors: " + name + ": " + report.Passed + " passed, " + report.Failed + " failed");
            Assert.AreEqual(0, report.Failed, name + ": " + report.Failed + " case(s) failed");
            Assert.AreEqual(file.Cases.Length, report.Passed, name + ": not every case ran");
        }

        public static void PrintSummary(int expectedFiles)
        {
            Console.WriteLine("nano-vectors: files " + _files + " of " + expectedFiles + ", cases " + _cases + ", failed " + _failures);
        }
    }
}
