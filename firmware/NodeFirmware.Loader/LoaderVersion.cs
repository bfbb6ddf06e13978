namespace NodeFirmware.Loader
{
    /// <summary>
    /// The Loader's version as manifests name it (minLoaderVersion). Bump it whenever the Loader, the class
    /// library set in packages.config, or anything the application relies on from the deployment area changes.
    /// </summary>
    public static class LoaderVersion
    {
        public const int Value = 1;
    }
}
