namespace NodeFirmware.Core.Ota
{
    /// <summary>
    /// What a firmware package contains and where it may run (docs/formats/firmware-package.md). Signed as
    /// encoded by <see cref="ManifestCodec"/>; whether a downgrade is allowed is the campaign's decision and
    /// is deliberately not part of it.
    /// </summary>
    public class FirmwareManifest
    {
        /// <summary>The version Core writes; version 1 (no "svn", read as security version 0) is still read.</summary>
        public const int FormatVersion = 2;

        public FirmwareManifest()
        {
            Boards = new string[0];
            Files = new ManifestFile[0];
            KeyId = new byte[8];
        }

        public FirmwareVersion Version;

        /// <summary>
        /// Anti-rollback security version (0..999999999): a device refuses, and its Loader will not boot, an image
        /// whose security version is below the floor it raised when it confirmed an earlier image.
        /// </summary>
        public int SecurityVersion;

        /// <summary>Board identifiers (the file names under boards/) the image runs on.</summary>
        public string[] Boards;

        /// <summary>The oldest Loader that can load this image.</summary>
        public int MinLoaderVersion;

        /// <summary>Unix seconds (UTC) when the package was signed.</summary>
        public long CreatedUnixTime;

        /// <summary>First 8 bytes of SHA-256 of the release public key that signed it.</summary>
        public byte[] KeyId;

        /// <summary>The assemblies, in load order.</summary>
        public ManifestFile[] Files;

        public bool SupportsBoard(string board)
        {
            foreach (string b in Boards) if (b == board) return true;
            return false;
        }

        public long TotalSize
        {
            get
            {
                long total = 0;
                foreach (ManifestFile f in Files) total += f.Size;
                return total;
            }
        }

        public int IndexOf(string fileName)
        {
            for (int i = 0; i < Files.Length; i++) if (Files[i].Name == fileName) return i;
            return -1;
        }
    }

    /// <summary>One file of a package: its name in the slot, its size and its SHA-256.</summary>
    public class ManifestFile
    {
        public ManifestFile(string name, int size, byte[] sha256)
        {
            Name = name;
            Size = size;
            Sha256 = sha256;
        }

        public string Name { get; private set; }
        public int Size { get; private set; }
        public byte[] Sha256 { get; private set; }
    }
}
