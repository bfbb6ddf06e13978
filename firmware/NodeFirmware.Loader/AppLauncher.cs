using System;
using System.Reflection;
using NodeFirmware.Core.Ota;
using NodeFirmware.Device;

namespace NodeFirmware.Loader
{
    /// <summary>
    /// Loads a verified slot's assemblies with Assembly.Load(byte[]) in manifest order and calls the
    /// application's entry point, NodeFirmware.Device.Program.Run(int loaderVersion). nanoCLR resolves the new
    /// assembly's references against what is already loaded (nf-interpreter corlib_native_System_Reflection_Assembly.cpp:
    /// Link, ResolveAll), so the class libraries in the deployment area must satisfy it, and a slot's own
    /// assemblies must come dependencies first.
    /// </summary>
    public static class AppLauncher
    {
        public const string EntryType = "NodeFirmware.Device.Program";
        public const string EntryMethod = "Run";
        private const string AssemblyExtension = ".pe";

        public static void Launch(SlotStorage slots, int slot, FirmwareManifest manifest, int loaderVersion)
        {
            Assembly app = null;
            for (int i = 0; i < manifest.Files.Length; i++)
            {
                ManifestFile file = manifest.Files[i];
                if (!file.Name.EndsWith(AssemblyExtension)) continue;
                byte[] image = ReadAll(slots, slot, file.Name, file.Size);
                Assembly loaded = Assembly.Load(image);
                if (loaded == null) throw new InvalidOperationException("nanoCLR refused '" + file.Name + "'");
                if (loaded.GetType(EntryType) != null) app = loaded;
            }
            if (app == null) throw new InvalidOperationException("no assembly in slot " + SlotLayout.SlotName(slot) + " defines " + EntryType);
            MethodInfo run = app.GetType(EntryType).GetMethod(EntryMethod, BindingFlags.Public | BindingFlags.Static);
            if (run == null) throw new InvalidOperationException(EntryType + "." + EntryMethod + " not found");
            run.Invoke(null, new object[] { loaderVersion });
        }

        private static byte[] ReadAll(SlotStorage slots, int slot, string name, int size)
        {
            var image = new byte[size];
            int done = 0;
            while (done < size)
            {
                int n = slots.Read(slot, name, done, image, done, size - done);
                if (n <= 0) throw new InvalidOperationException("'" + name + "' ended at " + done + " of " + size + " bytes");
                done += n;
            }
            return image;
        }
    }
}
