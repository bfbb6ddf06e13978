using System.Text.Json;

namespace NodeFirmware.Receiver.Storage;

/// <summary>Device tags are stored as a JSON array of strings in one column.</summary>
public static class TagList
{
    public static string Serialize(IReadOnlyList<string> tags) => JsonSerializer.Serialize(tags);

    public static IReadOnlyList<string> Parse(string? json) =>
        string.IsNullOrEmpty(json) ? Array.Empty<string>() : JsonSerializer.Deserialize<string[]>(json) ?? Array.Empty<string>();
}
