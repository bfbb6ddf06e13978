namespace NodeFirmware.HostCommon.Boards;

/// <summary>
/// The nanoFramework firmware targets a board file may name, per chip: the configure presets of
/// nanoframework/nf-interpreter targets/ESP32/CMakePresets.json, which are also the names nanoff --target takes.
/// Only targets that include the APIs NodeFirmware uses (Wi-Fi, I2C, ADC, GPIO, file system) are listed.
/// </summary>
public static class NanoFrameworkTargets
{
    private static readonly Dictionary<string, string[]> ByChip = new()
    {
        ["esp32"] = new[] { "ESP32_REV0", "ESP32_REV3", "ESP32_PSRAM_REV0", "ESP32_PSRAM_REV3", "ESP32_BLE_REV0", "ESP32_BLE_REV3" },
        ["esp32s3"] = new[] { "ESP32_S3", "ESP32_S3_BLE", "ESP32_S3_ALL" },
    };

    public static IReadOnlyList<string> For(string chip) => ByChip.TryGetValue(chip, out var t) ? t : Array.Empty<string>();

    /// <summary>REV3 targets use ESP32 ECO3 features and do not start on older silicon.</summary>
    public static bool NeedsChipRevision3(string target) => target.EndsWith("_REV3", StringComparison.Ordinal);
}
