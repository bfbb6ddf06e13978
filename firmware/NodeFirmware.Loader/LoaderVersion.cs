namespace NodeFirmware.Loader
{
    /// <summary>
    /// The Loader's version as manifests name it (minLoaderVersion). Bump it whenever the Loader, the class
    /// library set in packages.config, or anything the application relies on from the deployment area changes.
    /// </summary>
    public static class LoaderVersion
    {
        /// <summary>2: boot state version 2 and the anti-rollback floor (bootloader-config/boot-policy.md).</summary>
        public const int Value = 2;
    }
}
