using System.Formats.Cbor;
using NodeFirmware.Core.Tests.Vectors;
using NodeFirmware.Core.Vectors;

namespace NodeFirmware.Core.Tests.Telemetry;

/// <summary>
/// What makes status.vec's generated expectations right: each message, read by an independent decoder
/// (System.Formats.Cbor, strict), holds exactly the case's fields, every vital left out at its usual value.
/// </summary>
public class StatusVectorTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (Vector c in File().Cases) data.Add(c.Name);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_message_holds_the_cases_fields_and_no_others(string name)
    {
        Vector c = File().Cases.Single(v => v.Name == name);
        var fields = Decode(HexText.Decode(c.Text("expect"), name));

        Assert.Equal(c.Text("state"), fields["state"]);
        Assert.Equal(c.Text("fw"), fields["fw"]);
        Assert.Equal(c.Text("epoch"), fields["e"]);
        Assert.Equal(c.Text("bat"), fields["bat"]);
        string wake = c.Has("wake") ? c.Text("wake") : "power-on";
        if (wake == "timer") Assert.False(fields.ContainsKey("wake"), "a timer wake is the usual one: left out");
        else Assert.Equal(wake, fields["wake"]);
        var expected = new Dictionary<string, string>
        {
            ["boots"] = c.Has("boots") ? c.Text("boots") : "",
            ["rst"] = c.Has("rst") ? c.Text("rst") : "",
            ["up"] = c.Has("up") ? c.Text("up") : "",
            ["rc"] = c.Has("rc") ? c.Text("rc") : "",
            ["heap"] = c.Has("heap") ? c.Text("heap") : "",
            ["w2p"] = c.Has("w2p") ? c.Text("w2p") : "",
        };
        foreach (var (key, value) in expected)
        {
            if (value.Length == 0) Assert.False(fields.ContainsKey(key), key + " must be left out at its usual value");
            else Assert.Equal(value, fields[key]);
        }
    }

    private static Dictionary<string, string> Decode(byte[] payload)
    {
        var r = new CborReader(payload, CborConformanceMode.Strict);
        var fields = new Dictionary<string, string>();
        int n = r.ReadStartMap()!.Value;
        for (int i = 0; i < n; i++)
        {
            string key = r.ReadTextString();
            fields.Add(key, r.PeekState() switch
            {
                CborReaderState.TextString => r.ReadTextString(),
                CborReaderState.StartArray => ReadArray(r),
                CborReaderState.Boolean => r.ReadBoolean().ToString(),
                _ => r.ReadInt64().ToString(),
            });
        }
        r.ReadEndMap();
        Assert.Equal(0, r.BytesRemaining);
        return fields;
    }

    private static string ReadArray(CborReader r)
    {
        int n = r.ReadStartArray()!.Value;
        var items = new string[n];
        for (int i = 0; i < n; i++) items[i] = r.ReadInt64().ToString();
        r.ReadEndArray();
        return string.Join(" ", items);
    }

    private static VectorFile File() =>
        VectorFile.Parse(System.IO.File.ReadAllText(Path.Combine(VectorFileTests.Folder(), "status.vec")));
}
