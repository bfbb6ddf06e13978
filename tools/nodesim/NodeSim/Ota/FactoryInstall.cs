using NodeFirmware.Core.Hal;
using NodeFirmware.Core.Ota;

namespace NodeSim.Ota;

/// <summary>
/// What the factory line does for slot A: the package's manifest (with its signature) and files, and a boot state
/// naming it, whose anti-rollback floor starts at the image's security version.
/// </summary>
public static class FactoryInstall
{
    public static FirmwareManifest Install(ISlotStorage slots, BootStateStore boot, byte[] package)
    {
        var parsed = FirmwarePackage.Parse(package);
        int slot = SlotLayout.SlotA;
        slots.EraseSlot(slot);
        var manifestFile = new byte[parsed.ManifestBytes.Length + parsed.Signature.Length];
        parsed.ManifestBytes.CopyTo(manifestFile, 0);
        parsed.Signature.CopyTo(manifestFile, parsed.ManifestBytes.Length);
        slots.Write(slot, SlotLayout.ManifestFileName, 0, manifestFile, 0, manifestFile.Length);
        for (int i = 0; i < parsed.Manifest.Files.Length; i++)
        {
            byte[] content = parsed.FileContent(package, i);
            slots.Write(slot, parsed.Manifest.Files[i].Name, 0, content, 0, content.Length);
        }
        boot.Save(BootState.Factory(slot, parsed.Manifest.Version.ToString(), parsed.Manifest.SecurityVersion));
        return parsed.Manifest;
    }
}
