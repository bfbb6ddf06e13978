using System.Globalization;

namespace NodeFirmware.Receiver.Tests.Web;

/// <summary>What a y axis's labels must be: at least two, each distinct, ordered from low to high, and numbers.</summary>
public static class AxisLabels
{
    public static double[] AssertDistinctAndOrdered(IReadOnlyList<string> labels, string unit, string what)
    {
        Assert.True(labels.Count >= 2, $"{what}: {labels.Count} labels ({string.Join(" | ", labels)})");
        Assert.True(labels.Distinct().Count() == labels.Count, $"{what}: repeated labels: {string.Join(" | ", labels)}");
        var values = labels.Select(l =>
        {
            Assert.True(l.EndsWith(" " + unit, StringComparison.Ordinal), $"{what}: label '{l}' lacks the unit '{unit}'");
            return double.Parse(l[..^(unit.Length + 1)], NumberStyles.Float, CultureInfo.InvariantCulture);
        }).ToArray();
        for (int i = 1; i < values.Length; i++)
            Assert.True(values[i] > values[i - 1], $"{what}: labels not ascending: {string.Join(" | ", labels)}");
        return values;
    }
}
