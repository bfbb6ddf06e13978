using System.Globalization;
using System.Text.RegularExpressions;
using NodeFirmware.Bench.Tests.Support;

namespace NodeFirmware.Bench.Tests.Energy;

/// <summary>
/// `bench energy`'s wake-to-publish lines, which other checks read: the summary line's fields are there, the phases
/// add up to the totals it prints, and keeping the address and the session shortens the wake and saves charge.
/// </summary>
public class WakeToPublishBenchTests
{
    [Fact]
    public void Energy_prints_the_phases_before_and_after_and_the_summary_line()
    {
        string output = BenchProcess.Run("energy", "--board", "firebeetle-esp32");
        var before = Phases(output, "before");
        var after = Phases(output, "after");
        Match summary = Regex.Match(output, @"^RESULT wake_to_publish board=\S+ before_s=(?<b>[0-9.]+) after_s=(?<a>[0-9.]+) .*energy_ratio=(?<r>[0-9.]+) ", RegexOptions.Multiline);
        Assert.True(summary.Success, output);

        Assert.Equal(Sum(before), before["total_ms"]);
        Assert.Equal(Sum(after), after["total_ms"]);
        Assert.Equal(before["total_ms"] / 1000, Number(summary, "b"), 3);
        Assert.Equal(after["total_ms"] / 1000, Number(summary, "a"), 3);
        Assert.True(after["total_ms"] < before["total_ms"]);
        Assert.Equal(0, after["subscribe_ms"]);
        Assert.True(after["dhcp_ms"] < before["dhcp_ms"]);
        Assert.Equal(before["tls_handshake_ms"], after["tls_handshake_ms"]); // no TLS resumption on nanoFramework
        Assert.True(after["mah_per_day"] < before["mah_per_day"]);
        Assert.InRange(Number(summary, "r"), 0.0, 1.0);
    }

    private static double Sum(Dictionary<string, double> p) =>
        p["wifi_join_ms"] + p["dhcp_ms"] + p["tls_handshake_ms"] + p["mqtt_connect_ms"] + p["subscribe_ms"] + p["publish_ms"];

    private static Dictionary<string, double> Phases(string output, string when)
    {
        string line = output.Split('\n').Single(l => l.StartsWith("RESULT wake_to_publish_phases ") && l.Contains(" when=" + when + " "));
        var fields = new Dictionary<string, double>();
        foreach (Match m in Regex.Matches(line, @"(\w+)=([0-9.]+)")) fields[m.Groups[1].Value] = double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        return fields;
    }

    private static double Number(Match m, string group) => double.Parse(m.Groups[group].Value, CultureInfo.InvariantCulture);
}
