using System;
using System.IO;
using nanoFramework.TestFramework;
using NodeFirmware.Device;

namespace NodeFirmware.Device.Tests
{
    /// <summary>
    /// The NOR semantics Core's journal and DualCopyStore rely on, kept by InternalFlashStorage on the real
    /// LittleFS (I:\): erase gives 0xFF, programming only clears bits, and the bytes survive a reopen.
    /// </summary>
    [TestClass]
    public class InternalFlashStorageTests
    {
        private const string FilePath = "I:\\nodefw-devtest-flash.bin";
        private const int Sector = 4096;

        [Setup]
        public void RemoveLeftovers()
        {
            if (File.Exists(FilePath)) File.Delete(FilePath);
        }

        [Cleanup]
        public void RemoveFile()
        {
            if (File.Exists(FilePath)) File.Delete(FilePath);
        }

        [TestMethod]
        public void A_new_file_reads_erased()
        {
            using (var flash = new InternalFlashStorage(FilePath, 2 * Sector, Sector))
            {
                var buffer = new byte[Sector];
                flash.Read(Sector, buffer, 0, buffer.Length);
                for (int i = 0; i < buffer.Length; i++) Assert.AreEqual((byte)0xFF, buffer[i]);
            }
        }

        [TestMethod]
        public void Program_only_clears_bits_and_erase_sets_them_again()
        {
            using (var flash = new InternalFlashStorage(FilePath, 2 * Sector, Sector))
            {
                flash.Program(100, new byte[] { 0xF0, 0x0F, 0xAA }, 0, 3);
                flash.Program(100, new byte[] { 0x3C, 0xFF, 0x55 }, 0, 3);
                var read = new byte[3];
                flash.Read(100, read, 0, 3);
                Assert.AreEqual((byte)0x30, read[0]);
                Assert.AreEqual((byte)0x0F, read[1]);
                Assert.AreEqual((byte)0x00, read[2]);

                var neighbours = new byte[2];
                flash.Read(99, neighbours, 0, 1);
                flash.Read(103, neighbours, 1, 1);
                Assert.AreEqual((byte)0xFF, neighbours[0]);
                Assert.AreEqual((byte)0xFF, neighbours[1]);

                flash.EraseSector(0);
                flash.Read(100, read, 0, 3);
                for (int i = 0; i < 3; i++) Assert.AreEqual((byte)0xFF, read[i]);
            }
        }

        [TestMethod]
        public void Erase_touches_only_its_sector()
        {
            using (var flash = new InternalFlashStorage(FilePath, 2 * Sector, Sector))
            {
                flash.Program(Sector + 5, new byte[] { 0x12 }, 0, 1);
                flash.EraseSector(0);
                var b = new byte[1];
                flash.Read(Sector + 5, b, 0, 1);
                Assert.AreEqual((byte)0x12, b[0]);
            }
        }

        [TestMethod]
        public void Programmed_bytes_survive_a_reopen()
        {
            using (var flash = new InternalFlashStorage(FilePath, 2 * Sector, Sector))
            {
                flash.Program(Sector - 2, new byte[] { 0x01, 0x02, 0x03, 0x04 }, 0, 4);
            }
            using (var again = new InternalFlashStorage(FilePath, 2 * Sector, Sector))
            {
                var read = new byte[4];
                again.Read(Sector - 2, read, 0, 4);
                Assert.AreEqual((byte)0x01, read[0]);
                Assert.AreEqual((byte)0x04, read[3]);
            }
        }

        [TestMethod]
        public void Out_of_range_access_is_refused()
        {
            using (var flash = new InternalFlashStorage(FilePath, Sector, Sector))
            {
                Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => flash.Read(Sector - 1, new byte[2], 0, 2));
                Assert.ThrowsException(typeof(ArgumentOutOfRangeException), () => flash.EraseSector(1));
            }
        }
    }
}
