using System.Text.Json;
using System.Text.RegularExpressions;

namespace NodeFirmware.HostCommon.Tests.Boards;

/// <summary>
/// The subset of JSON Schema 2020-12 that boards/board.schema.json uses (type, const, enum, required,
/// properties, additionalProperties: false, pattern, minLength, minimum, maximum, multipleOf, oneOf, local $ref).
/// Any other keyword fails the check, so the schema cannot silently grow beyond what is verified.
/// </summary>
internal sealed class JsonSchemaCheck
{
    private static readonly HashSet<string> Known = new()
    {
        "$schema", "$id", "title", "description", "$defs", "type", "const", "enum", "required", "properties",
        "additionalProperties", "pattern", "minLength", "minimum", "maximum", "multipleOf", "oneOf", "$ref",
    };

    private readonly JsonElement _root;

    public JsonSchemaCheck(JsonElement root) => _root = root;

    public List<string> Errors(JsonElement value)
    {
        var errors = new List<string>();
        Check(_root, value, "$", errors);
        return errors;
    }

    private void Check(JsonElement schema, JsonElement value, string at, List<string> errors)
    {
        foreach (var keyword in schema.EnumerateObject())
        {
            if (!Known.Contains(keyword.Name)) throw new InvalidOperationException($"schema keyword '{keyword.Name}' at {at} is not supported by this check");
        }
        if (schema.TryGetProperty("$ref", out var reference))
        {
            string name = reference.GetString()!.Replace("#/$defs/", "");
            Check(_root.GetProperty("$defs").GetProperty(name), value, at, errors);
        }
        if (schema.TryGetProperty("oneOf", out var oneOf))
        {
            int matching = oneOf.EnumerateArray().Count(s => { var e = new List<string>(); Check(s, value, at, e); return e.Count == 0; });
            if (matching != 1) errors.Add($"{at}: matches {matching} of the oneOf alternatives");
        }
        if (schema.TryGetProperty("type", out var type))
        {
            var types = type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()!).ToList() : new List<string> { type.GetString()! };
            if (!types.Any(t => IsType(value, t))) { errors.Add($"{at}: is {value.ValueKind}, expected {string.Join("|", types)}"); return; }
        }
        if (schema.TryGetProperty("const", out var constant) && !JsonElement.DeepEquals(constant, value)) errors.Add($"{at}: is not {constant}");
        if (schema.TryGetProperty("enum", out var options) && !options.EnumerateArray().Any(o => JsonElement.DeepEquals(o, value))) errors.Add($"{at}: {value} is not one of {options}");
        if (value.ValueKind == JsonValueKind.String)
        {
            string s = value.GetString()!;
            if (schema.TryGetProperty("pattern", out var pattern) && !Regex.IsMatch(s, pattern.GetString()!)) errors.Add($"{at}: '{s}' does not match {pattern}");
            if (schema.TryGetProperty("minLength", out var minLength) && s.Length < minLength.GetInt32()) errors.Add($"{at}: shorter than {minLength}");
        }
        if (value.ValueKind == JsonValueKind.Number)
        {
            double d = value.GetDouble();
            if (schema.TryGetProperty("minimum", out var min) && d < min.GetDouble()) errors.Add($"{at}: {d} < {min}");
            if (schema.TryGetProperty("maximum", out var max) && d > max.GetDouble()) errors.Add($"{at}: {d} > {max}");
            if (schema.TryGetProperty("multipleOf", out var multiple) && d % multiple.GetDouble() != 0) errors.Add($"{at}: {d} is not a multiple of {multiple}");
        }
        if (value.ValueKind == JsonValueKind.Object)
        {
            if (schema.TryGetProperty("required", out var required))
            {
                foreach (var r in required.EnumerateArray())
                    if (!value.TryGetProperty(r.GetString()!, out _)) errors.Add($"{at}: missing '{r.GetString()}'");
            }
            schema.TryGetProperty("properties", out var properties);
            foreach (var member in value.EnumerateObject())
            {
                if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(member.Name, out var sub))
                    Check(sub, member.Value, at + "." + member.Name, errors);
                else if (schema.TryGetProperty("additionalProperties", out var additional) && additional.ValueKind == JsonValueKind.False)
                    errors.Add($"{at}: unknown member '{member.Name}'");
            }
        }
    }

    private static bool IsType(JsonElement v, string type) => type switch
    {
        "object" => v.ValueKind == JsonValueKind.Object,
        "string" => v.ValueKind == JsonValueKind.String,
        "boolean" => v.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "null" => v.ValueKind == JsonValueKind.Null,
        "number" => v.ValueKind == JsonValueKind.Number,
        "integer" => v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out _),
        "array" => v.ValueKind == JsonValueKind.Array,
        _ => throw new InvalidOperationException($"type '{type}'"),
    };
}
