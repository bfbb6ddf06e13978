using System.Numerics;

namespace NodeFirmware.HostCommon.Partitions;

/// <summary>
/// Partition types and subtypes by the names ESP-IDF's partition table tool accepts
/// (esp_partition_type_t / esp_partition_subtype_t; the keyword tables of gen_esp32part.py 1.5). Any number
/// 0-255 is allowed as type or subtype, 0xFF included: nanoFramework's deployment area, for one, is data subtype 0x84.
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

    private static readonly Dictionary<string, byte> TypeKeywords = TypeNames.ToDictionary(n => n.Name, n => n.Value);

    private static readonly Dictionary<byte, Dictionary<string, byte>> SubtypeKeywords =
        SubtypeNames.ToDictionary(kv => kv.Key, kv => kv.Value.ToDictionary(n => n.Name, n => n.Value));

    /// <summary>A type as gen_esp32part reads it: a number or a keyword (see <see cref="PartitionNumber"/>); null when it refuses the text.</summary>
    internal static BigInteger? ParseType(string text) => PartitionNumber.Parse(text, TypeKeywords);

    /// <summary>A subtype: a number, or a keyword of that type (custom types have none).</summary>
    internal static BigInteger? ParseSubtype(byte type, string text) =>
        PartitionNumber.Parse(text, SubtypeKeywords.TryGetValue(type, out var names) ? names : new Dictionary<string, byte>());

    public static bool TryParseType(string text, out byte value) => ToByte(ParseType(text), out value);

    public static bool TryParseSubtype(byte type, string text, out byte value) => ToByte(ParseSubtype(type, text), out value);

    /// <summary>The keyword for a type, or its hex value when it has none (for people; CSV uses <see cref="CsvTypeName"/>).</summary>
    public static string TypeName(byte type) => KeywordOf(type, TypeNames) ?? $"0x{type:x2}";

    public static string SubtypeName(byte type, byte subtype) => KeywordOf(subtype, SubtypeNamesOf(type)) ?? $"0x{subtype:x2}";

    /// <summary>The type as gen_esp32part writes it into a CSV: its keyword, else the number in decimal.</summary>
    public static string CsvTypeName(byte type) => KeywordOf(type, TypeNames) ?? type.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string CsvSubtypeName(byte type, byte subtype) =>
        KeywordOf(subtype, SubtypeNamesOf(type)) ?? subtype.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static IEnumerable<string> KnownSubtypeNames(byte type) => SubtypeNamesOf(type).Select(n => n.Name);

    private static (string Name, byte Value)[] SubtypeNamesOf(byte type) =>
        SubtypeNames.TryGetValue(type, out var names) ? names : Array.Empty<(string, byte)>();

    private static bool ToByte(BigInteger? parsed, out byte value)
    {
        bool ok = parsed is BigInteger v && v >= 0 && v <= byte.MaxValue;
        value = ok ? (byte)parsed!.Value : (byte)0;
        return ok;
    }

    /// <summary>The first keyword with this value, in gen_esp32part's table order (app: factory, test, ota_0..15, tee_0..1).</summary>
    private static string? KeywordOf(byte value, (string Name, byte Value)[] names)
    {
        foreach (var (name, v) in names) if (v == value) return name;
        return null;
    }
}
