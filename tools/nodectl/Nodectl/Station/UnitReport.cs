using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace NodeFirmware.Nodectl.Station;

/// <summary>
/// What the station did to one board, written as &lt;report-dir&gt;/unit-N.json (docs/provisioning.md, "A factory
/// station"): each step with its result, start, duration and detail, the identity it got and the verdict. Nothing
/// secret: no key, no passphrase.
/// </summary>
public sealed class UnitReport
{
    public const string Passed = "passed";
    public const string Failed = "failed";

    public int Unit { get; set; }
    public string Port { get; set; } = "";
    public string? Board { get; set; }
    public string? DeviceId { get; set; }
    public string? Mac { get; set; }
    public string? CertSerial { get; set; }
    public string? CertSha256 { get; set; }

    /// <summary>
    /// Where the device key was made: "device" (GENERATE_KEY, the station's default) or "host" (--key-on-host); absent when
    /// the unit issued no key (it failed before, or already held this store's certificate).
    /// </summary>
    public string? KeyMadeOn { get; set; }

    public bool Registered { get; set; }

    /// <summary>The firmware's self-test (SELF_TEST) with every check's result; absent when the unit did not get that far.</summary>
    public NodeFirmware.Nodectl.Provisioning.DeviceSelfTest? SelfTest { get; set; }

    /// <summary>Serials revoked because the unit failed after its certificate was issued; null when nothing was revoked.</summary>
    public List<string>? RevokedSerials { get; set; }

    public List<UnitStep> Steps { get; set; } = [];
    public string Verdict { get; set; } = Failed;

    /// <summary>Why the unit failed and what was undone; null when it passed.</summary>
    public string? Reason { get; set; }

    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset FinishedAt { get; set; }

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public string FileName => $"unit-{Unit}.json";

    public void WriteTo(string directory)
    {
        string path = Path.Combine(directory, FileName);
        string temp = path + ".tmp";
        File.WriteAllText(temp, JsonSerializer.Serialize(this, Json) + "\n");
        File.Move(temp, path, overwrite: true);
    }

    public static UnitReport Read(string path) =>
        JsonSerializer.Deserialize<UnitReport>(File.ReadAllText(path), Json) ?? throw new InvalidDataException($"{path} holds no unit report");
}

/// <summary>One step of a unit: flash, provision, register, boot-check, self-test, revoke.</summary>
public sealed class UnitStep
{
    public const string Ok = "ok";
    public const string Failed = "failed";

    public string Name { get; set; } = "";
    public string Result { get; set; } = "";
    public DateTimeOffset StartedAt { get; set; }
    public double Seconds { get; set; }
    public string Detail { get; set; } = "";
}
