namespace NodeFirmware.HostCommon.Partitions;

/// <summary>
/// Partition types and subtypes by the names ESP-IDF's partition table tool accepts
/// (esp_partition_type_t / esp_partition_subtype_t). Unknown numeric values are allowed: nanoFramework's
/// deployment area, for one, is data subtype 0x84.
/// </summary>
public static class PartitionTypes
{
    public const byte App = 0x00;
    public const byte Data = 0x01;
    public const byte Bootloader = 0x02;
    public const byte PartitionTable = 0x03;

    public const byte AppFactory = 0x00;
    public const byte AppOtaMin = 0x10;
    public const int AppOtaCount = 16;
    public const byte AppTest = 0x20;
    public const byte AppTeeMin = 0x30;
    public const int AppTeeCount = 2;

    public const byte DataOta = 0x00;
    public const byte DataPhy = 0x01;
    public const byte DataNvs = 0x02;
    public const byte DataCoredump = 0x03;
    public const byte DataNvsKeys = 0x04;
    public const byte DataEfuse = 0x05;
    public const byte DataUndefined = 0x06;
    public const byte DataEspHttpd = 0x80;
    public const byte DataFat = 0x81;
    public const byte DataSpiffs = 0x82;
    public const byte DataLittleFs = 0x83;
    public const byte DataTeeOta = 0x90;

    /// <summary>nanoFramework's deployment area (managed assemblies), a data partition with this custom subtype.</summary>
    public const byte DataNanoDeploy = 0x84;

    public const byte BootloaderPrimary = 0x00;
    public const byte BootloaderOta = 0x01;
    public const byte BootloaderRecovery = 0x02;
    public const byte PartitionTablePrimary = 0x00;
    public const byte PartitionTableOta = 0x01;

    private static readonly (string Name, byte Value)[] TypeNames =
    {
        ("app", App), ("data", Data), ("bootloader", Bootloader), ("partition_table", PartitionTable),
    };

    private static readonly Dictionary<byte, (string Name, byte Value)[]> SubtypeNames = new()
    {
        [App] = BuildAppSubtypes(),
        [Data] = new (string, byte)[]
        {
            ("ota", DataOta), ("phy", DataPhy), ("nvs", DataNvs), ("coredump", DataCoredump), ("nvs_keys", DataNvsKeys),
            ("efuse", DataEfuse), ("undefined", DataUndefined), ("esphttpd", DataEspHttpd), ("fat", DataFat),
            ("spiffs", DataSpiffs), ("littlefs", DataLittleFs), ("tee_ota", DataTeeOta),
        },
        [Bootloader] = new (string, byte)[] { ("primary", BootloaderPrimary), ("ota", BootloaderOta), ("recovery", BootloaderRecovery) },
        [PartitionTable] = new (string, byte)[] { ("primary", PartitionTablePrimary), ("ota", PartitionTableOta) },
    };

    private static (string, byte)[] BuildAppSubtypes()
    {
        var list = new List<(string, byte)> { ("factory", AppFactory), ("test", AppTest) };
        for (int i = 0; i < AppOtaCount; i++) list.Add(($"ota_{i}", (byte)(AppOtaMin + i)));
        for (int i = 0; i < AppTeeCount; i++) list.Add(($"tee_{i}", (byte)(AppTeeMin + i)));
        return list.ToArray();
    }

    public static bool TryParseType(string text, out byte value) => TryParse(text, TypeNames, out value);

    public static bool TryParseSubtype(byte type, string text, out byte value) =>
        TryParse(text, SubtypeNames.TryGetValue(type, out var names) ? names : Array.Empty<(string, byte)>(), out value);

    /// <summary>The keyword for a type, or its hex value when it has none.</summary>
    public static string TypeName(byte type) => NameOf(type, TypeNames);

    public static string SubtypeName(byte type, byte subtype) =>
        NameOf(subtype, SubtypeNames.TryGetValue(type, out var names) ? names : Array.Empty<(string, byte)>());

    public static IEnumerable<string> KnownSubtypeNames(byte type) =>
        SubtypeNames.TryGetValue(type, out var names) ? names.Select(n => n.Name) : Enumerable.Empty<string>();

    private static bool TryParse(string text, (string Name, byte Value)[] names, out byte value)
    {
        foreach (var (name, v) in names)
        {
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase)) { value = v; return true; }
        }
        if (PartitionNumber.TryParse(text, out long n) && n >= 0 && n <= 0xFE)
        {
            value = (byte)n;
            return true;
        }
        value = 0;
        return false;
    }

    private static string NameOf(byte value, (string Name, byte Value)[] names)
    {
        foreach (var (name, v) in names) if (v == value) return name;
        return $"0x{value:x2}";
    }
}
