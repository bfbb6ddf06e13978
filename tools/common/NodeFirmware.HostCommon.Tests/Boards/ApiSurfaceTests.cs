using System.Text.RegularExpressions;
using NodeFirmware.HostCommon.Tests.Partitions;

namespace NodeFirmware.HostCommon.Tests.Boards;

/// <summary>
/// The hand-written API surface that type-checks the device code (firmware/NodeFirmware.Device/TypeCheck/ApiSurface.cs)
/// against what was read in the real libraries (docs/device-apis.md): enum values, class hierarchy, delegate nesting.
/// A wrong value there would type-check and then do something else on the device.
/// </summary>
public class ApiSurfaceTests
{
    private static string Surface => RepoFiles.Read("firmware", "NodeFirmware.Device", "TypeCheck", "ApiSurface.cs");

    private static string Section(string markdown, string heading)
    {
        int start = markdown.IndexOf(heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/device-apis.md has no '{heading}' section");
        int end = markdown.IndexOf("\n## ", start + heading.Length, StringComparison.Ordinal);
        return end < 0 ? markdown[start..] : markdown[start..end];
    }

    private static long Number(string text)
    {
        text = text.Trim();
        bool negative = text.StartsWith('-');
        if (negative) text = text[1..];
        long value = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? Convert.ToInt64(text[2..], 16) : long.Parse(text);
        return negative ? -value : value;
    }

    /// <summary>Enum name → members and values as ApiSurface.cs declares them (implicit values counted on).</summary>
    private static Dictionary<string, Dictionary<string, long>> DeclaredEnums()
    {
        var enums = new Dictionary<string, Dictionary<string, long>>();
        foreach (Match m in Regex.Matches(Surface, @"\benum\s+(\w+)\s*(?::\s*[\w.]+\s*)?\{([^}]*)\}"))
        {
            var members = new Dictionary<string, long>();
            long next = 0;
            foreach (string part in m.Groups[2].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                string[] nameValue = part.Split('=', 2, StringSplitOptions.TrimEntries);
                long value = nameValue.Length == 2 ? Number(nameValue[1]) : next;
                members[nameValue[0]] = value;
                next = value + 1;
            }
            Assert.False(enums.ContainsKey(m.Groups[1].Value), $"enum {m.Groups[1].Value} is declared twice in ApiSurface.cs");
            enums[m.Groups[1].Value] = members;
        }
        return enums;
    }

    /// <summary>Rows of the doc's "Enum values" table: short enum name → members and values.</summary>
    private static Dictionary<string, Dictionary<string, long>> DocumentedEnums()
    {
        var rows = new Dictionary<string, Dictionary<string, long>>();
        foreach (Match m in Regex.Matches(Section(RepoFiles.Read("docs", "device-apis.md"), "## Enum values"), @"^\| `([\w.]+)` \| ([^|]+) \|", RegexOptions.Multiline))
        {
            string name = m.Groups[1].Value.Split('.').Last();
            string list = Regex.Replace(m.Groups[2].Value, @"\([^)]*\)", "");
            rows[name] = Regex.Matches(list, @"(\w+)=(-?(?:0x[0-9A-Fa-f]+|\d+))").ToDictionary(p => p.Groups[1].Value, p => Number(p.Groups[2].Value));
        }
        return rows;
    }

    [Fact]
    public void ApiSurface_enums_carry_the_real_values()
    {
        var declared = DeclaredEnums();
        var documented = DocumentedEnums();
        Assert.NotEmpty(documented);
        foreach (var (name, members) in declared)
        {
            Assert.True(documented.TryGetValue(name, out var real), $"ApiSurface.cs declares enum {name}, which docs/device-apis.md's 'Enum values' does not list");
            Assert.True(real!.OrderBy(p => p.Key).SequenceEqual(members.OrderBy(p => p.Key)),
                $"{name}: ApiSurface.cs has {string.Join(", ", members.Select(p => $"{p.Key}={p.Value}"))}; the library has {string.Join(", ", real!.Select(p => $"{p.Key}={p.Value}"))}");
        }
        Assert.Empty(documented.Keys.Except(declared.Keys));
    }

    [Theory]
    [InlineData("PinMode", "Output", 3)]
    [InlineData("DeviceFunction", "COM2_RX", 0x30201)]
    [InlineData("DeviceFunction", "I2C1_DATA", 0x20100)]
    [InlineData("WakeupCause", "Timer", 4)]
    [InlineData("Bmx280PowerMode", "Forced", 2)]
    [InlineData("MqttSslProtocols", "TLSv1_2", 4)]
    [InlineData("StopBits", "One", 1)]
    public void Values_the_device_code_depends_on(string enumName, string member, long value)
    {
        Assert.Equal(value, DeclaredEnums()[enumName][member]);
    }

    [Theory]
    [InlineData(@"public class Bme280 : Bmx280Base\b")]
    [InlineData(@"public abstract class Bmx280Base : Bmxx80Base\b")]
    [InlineData(@"public abstract class Bmxx80Base : IDisposable\b")]
    [InlineData(@"namespace Iot\.Device\.Bmxx80\.ReadResult \{(?:(?!namespace)[\s\S])*class Bme280ReadResult : Bmp280ReadResult")]
    [InlineData(@"public class MqttClient : IMqttClient, IDisposable")]
    [InlineData(@"public interface IMqttClient \{\s*delegate void MqttMsgPublishEventHandler")]
    [InlineData(@"public event IMqttClient\.MqttMsgPublishedEventHandler MqttMsgPublished")]
    [InlineData(@"public enum MqttQoSLevel \{")]
    [InlineData(@"public sealed class GpioController : IDisposable")]
    [InlineData(@"public sealed class SerialPort : IDisposable")]
    [InlineData(@"public class AdcController : AdcControllerBase")]
    [InlineData(@"public class Sleep \{ public enum WakeupCause")]
    public void ApiSurface_keeps_the_real_type_shapes(string pattern)
    {
        Assert.Matches(new Regex(pattern), Surface);
    }
}
