using System.Text.Json;
using System.Text.Json.Serialization;

namespace NodeFirmware.Nodectl.Audit;

/// <summary>
/// One line of the audit log (docs/provisioning.md): an <see cref="AuditEntry"/> plus who, where, when,
/// its position and the SHA-256 of the previous line, which chains the lines so an edit, a deletion or
/// a reordering shows up in <c>nodectl audit verify</c>.
/// </summary>
public sealed record AuditRecord
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    [JsonPropertyName("seq")] public long Sequence { get; init; }
    [JsonPropertyName("time")] public DateTimeOffset Time { get; init; }
    [JsonPropertyName("operator")] public string Operator { get; init; } = "";
    [JsonPropertyName("station")] public string Station { get; init; } = "";
    [JsonPropertyName("action")] public string Action { get; init; } = "";
    [JsonPropertyName("device")] public string? Device { get; init; }
    [JsonPropertyName("certSerial")] public string? CertSerial { get; init; }
    [JsonPropertyName("certSha256")] public string? CertSha256 { get; init; }
    [JsonPropertyName("bundleSha256")] public string? BundleSha256 { get; init; }
    [JsonPropertyName("result")] public string Result { get; init; } = "";
    [JsonPropertyName("stage")] public string? Stage { get; init; }
    [JsonPropertyName("detail")] public string? Detail { get; init; }
    [JsonPropertyName("board")] public string? Board { get; init; }
    [JsonPropertyName("tags")] public IReadOnlyList<string>? Tags { get; init; }

    /// <summary>Lower-case hex SHA-256 of the previous line's UTF-8 bytes (without its newline); zeros for the first.</summary>
    [JsonPropertyName("prev")] public string Previous { get; init; } = GenesisHash;

    private static readonly JsonSerializerOptions Options = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
    };

    public string ToJsonLine() => JsonSerializer.Serialize(this, Options);

    /// <summary>Parses one line; throws <see cref="JsonException"/> when it is not a record.</summary>
    public static AuditRecord Parse(string line) =>
        JsonSerializer.Deserialize<AuditRecord>(line, Options) ?? throw new JsonException("the line is JSON null");
}
