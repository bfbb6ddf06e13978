using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using NodeFirmware.HostCommon.Boards;
using NodeFirmware.HostCommon.Tests.Partitions;

namespace NodeFirmware.HostCommon.Tests.Boards;

/// <summary>boards/board.schema.json against the C# model (BoardFile) and against every board file.</summary>
public class BoardSchemaTests
{
    private static readonly BoardCatalog Catalog = new(RepoFiles.Root);

    private static JsonElement Schema()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Catalog.SchemaPath));
        return doc.RootElement.Clone();
    }

    private static string JsonName(PropertyInfo p) => JsonNamingPolicy.CamelCase.ConvertName(p.Name);

    private static IEnumerable<PropertyInfo> Members(Type t) =>
        t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite);

    private static JsonElement Resolve(JsonElement schema, JsonElement node)
    {
        if (node.TryGetProperty("$ref", out var r)) return schema.GetProperty("$defs").GetProperty(r.GetString()!.Replace("#/$defs/", ""));
        if (node.TryGetProperty("oneOf", out var oneOf)) return oneOf.EnumerateArray().Single(o => o.TryGetProperty("properties", out _));
        return node;
    }

    /// <summary>Walks the model and the schema together: same member names, same required set, at every level.</summary>
    private static void AssertAgree(JsonElement schema, JsonElement node, Type model, string at)
    {
        var modelNames = Members(model).Select(JsonName).Order().ToList();
        var schemaNames = node.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order().ToList();
        Assert.True(modelNames.SequenceEqual(schemaNames), $"{at}: model has [{string.Join(", ", modelNames)}], schema has [{string.Join(", ", schemaNames)}]");

        var modelRequired = Members(model).Where(p => p.GetCustomAttribute<JsonRequiredAttribute>() != null).Select(JsonName).Order().ToList();
        var schemaRequired = node.TryGetProperty("required", out var req) ? req.EnumerateArray().Select(r => r.GetString()!).Order().ToList() : new List<string>();
        Assert.True(modelRequired.SequenceEqual(schemaRequired), $"{at}: model requires [{string.Join(", ", modelRequired)}], schema requires [{string.Join(", ", schemaRequired)}]");
        Assert.False(node.GetProperty("additionalProperties").GetBoolean(), $"{at}: schema must refuse unknown members, as BoardCatalog does");

        foreach (var p in Members(model))
        {
            var type = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            if (type.IsPrimitive || type == typeof(string)) continue;
            AssertAgree(schema, Resolve(schema, node.GetProperty("properties").GetProperty(JsonName(p))), type, at + "." + JsonName(p));
        }
    }

    [Fact]
    public void Schema_and_model_agree_on_every_field_name_and_required_field()
    {
        var schema = Schema();
        AssertAgree(schema, schema, typeof(BoardFile), "$");
    }

    [Fact]
    public void Schema_chips_are_the_validators_chips()
    {
        var chips = Schema().GetProperty("properties").GetProperty("chip").GetProperty("enum").EnumerateArray().Select(e => e.GetString()!);
        Assert.Equal(BoardValidator.KnownChips.Order(), chips.Order());
    }

    public static IEnumerable<object[]> BoardNames() => Catalog.Names().Select(n => new object[] { n });

    [Theory]
    [MemberData(nameof(BoardNames))]
    public void Every_board_file_satisfies_the_schema_and_the_validator(string name)
    {
        using var doc = JsonDocument.Parse(RepoFiles.Read("boards", name + ".json"));
        var errors = new JsonSchemaCheck(Schema()).Errors(doc.RootElement);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        Catalog.Load(name);
    }

    [Fact]
    public void The_schema_check_catches_what_the_catalog_refuses()
    {
        var json = JsonNode.Parse(RepoFiles.Read("boards", "feather-esp32.json"))!.AsObject();
        json["factoryPin"]!.AsObject().Remove("activeLow");
        json["bme280"]!["address"] = "0x40";
        json["flashSize"] = "4MB";
        json["appSizeBytes"] = 1000;
        using var doc = JsonDocument.Parse(json.ToJsonString());
        var errors = new JsonSchemaCheck(Schema()).Errors(doc.RootElement);
        Assert.Contains(errors, e => e.Contains("$.factoryPin: missing 'activeLow'"));
        Assert.Contains(errors, e => e.Contains("$.bme280.address"));
        Assert.Contains(errors, e => e.Contains("unknown member 'flashSize'"));
        Assert.Contains(errors, e => e.Contains("$.appSizeBytes"));
        Assert.Throws<BoardFileException>(() => Catalog.Parse(json.ToJsonString(), "test.json", "feather-esp32"));
    }
}
