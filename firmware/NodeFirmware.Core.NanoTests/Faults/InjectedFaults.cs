using System;
using System.Threading;
using nanoFramework.TestFramework;

// Compiled only for `test-nano.sh --self-test` (NanoFault=throw or NanoFault=hang): each must turn the lane red.
namespace NodeFirmware.Core.NanoTests.Faults
{
    [TestClass]
    public class InjectedFaults
    {
#if NANO_FAULT_THROW
        [TestMethod]
        public static void Throws()
        {
            throw new InvalidOperationException("injected fault");
        }
#endif
#if NANO_FAULT_HANG
        [TestMethod]
        public static void Hangs()
        {
            while (true) Thread.Sleep(1000);
        }
#endif
    }
}
