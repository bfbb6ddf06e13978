using System.Text.Json;
using System.Text.Json.Serialization;

namespace NodeFirmware.HilTests.Serial;

/// <summary>The rig file (JSON) describing a real board on a rig; see docs/hil.md.</summary>
public sealed record RigFile
{
    /// <summary>Serial port of the board's USB bridge (its console UART), e.g. /dev/ttyUSB0: flashing, provisioning and the console all use it.</summary>
    [JsonPropertyName("port")] public string Port { get; init; } = "";
    [JsonPropertyName("baud")] public int Baud { get; init; } = 115200;
    /// <summary>Board file name under boards/ (without .json).</summary>
    [JsonPropertyName("board")] public string Board { get; init; } = "";
    /// <summary>"dtr-rts": the board's auto-reset circuit; "relay": EN and IO0 through relay channels.</summary>
    [JsonPropertyName("resetLines")] public string ResetLines { get; init; } = "dtr-rts";
    [JsonPropertyName("relay")] public RelaySpec Relay { get; init; } = new();
    [JsonPropertyName("broker")] public string Broker { get; init; } = "";
    [JsonPropertyName("pki")] public string Pki { get; init; } = "";
    [JsonPropertyName("caPassphraseFile")] public string CaPassphraseFile { get; init; } = "";
    [JsonPropertyName("receiver")] public string Receiver { get; init; } = "";
    /// <summary>File holding the receiver API token used to register devices (role provisioner); default: NODEFIRMWARE_RECEIVER_TOKEN.</summary>
    [JsonPropertyName("receiverTokenFile")] public string? ReceiverTokenFile { get; init; }
    /// <summary>sqlite:&lt;path&gt; of the receiver's store.</summary>
    [JsonPropertyName("store")] public string Store { get; init; } = "";

    public sealed record RelaySpec
    {
        /// <summary>"usb-serial" (LCUS module), "gpio" (sysfs) or "loopback:&lt;name&gt;" (a simulated board in this process).</summary>
        [JsonPropertyName("kind")] public string Kind { get; init; } = "";
        [JsonPropertyName("port")] public string? Port { get; init; }
        [JsonPropertyName("power")] public int Power { get; init; }
        [JsonPropertyName("en")] public int? En { get; init; }
        [JsonPropertyName("io0")] public int? Io0 { get; init; }
    }

    public static RigFile Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"rig file {path} does not exist", path);
        RigFile? rig;
        try { rig = JsonSerializer.Deserialize<RigFile>(File.ReadAllText(path)); }
        catch (JsonException e) { throw new InvalidDataException($"rig file {path} is not valid JSON: {e.Message}", e); }
        rig = rig ?? throw new InvalidDataException($"rig file {path} is empty");
        rig.Validate(path);
        return rig;
    }

    public void Validate(string source)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Port)) problems.Add("\"port\" is missing");
        if (Baud <= 0) problems.Add("\"baud\" must be positive");
        if (string.IsNullOrWhiteSpace(Board)) problems.Add("\"board\" is missing");
        if (ResetLines is not ("dtr-rts" or "relay")) problems.Add($"\"resetLines\" is '{ResetLines}', not dtr-rts or relay");
        if (string.IsNullOrWhiteSpace(Relay.Kind)) problems.Add("\"relay.kind\" is missing");
        if (Relay.Power < 1) problems.Add("\"relay.power\" must name the channel that switches the board's supply");
        if (ResetLines == "relay" && (Relay.En is null || Relay.Io0 is null)) problems.Add("resetLines relay needs \"relay.en\" and \"relay.io0\"");
        if (!Broker.Contains(':')) problems.Add("\"broker\" must be host:port");
        if (string.IsNullOrWhiteSpace(Pki)) problems.Add("\"pki\" (the PKI store directory) is missing");
        if (!Store.StartsWith("sqlite:", StringComparison.Ordinal)) problems.Add("\"store\" must be sqlite:<path> of the receiver's store");
        if (problems.Count > 0) throw new InvalidDataException($"rig file {source}: {string.Join("; ", problems)}");
    }
}
