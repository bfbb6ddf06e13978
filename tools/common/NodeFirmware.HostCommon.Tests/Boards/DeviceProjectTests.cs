using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using NodeFirmware.HostCommon.Tests.Partitions;

namespace NodeFirmware.HostCommon.Tests.Boards;

/// <summary>
/// The nanoFramework projects cannot be compiled here (no nanoFramework toolchain or packages), so this keeps
/// them honest in every way that does not need a compiler: packages, references, files, imported namespaces,
/// nanoFramework's language limits, and the board wiring against boards/*.json.
/// </summary>
public class DeviceProjectTests
{
    private static readonly XNamespace Msbuild = "http://schemas.microsoft.com/developer/msbuild/2003";
    private static readonly string[] Projects = { "NodeFirmware.Device", "NodeFirmware.Loader", "NodeFirmware.Device.Tests" };

    private static string ProjectDir(string project) => RepoFiles.PathOf("firmware", project);

    private static XDocument Nfproj(string project) => XDocument.Load(Path.Combine(ProjectDir(project), project + ".nfproj"));

    private static List<(string Id, string Version)> Packages(string project) =>
        XDocument.Load(Path.Combine(ProjectDir(project), "packages.config")).Root!.Elements("package")
            .Select(p => ((string)p.Attribute("id")!, (string)p.Attribute("version")!)).ToList();

    private static string ApiDoc => RepoFiles.Read("docs", "device-apis.md");

    /// <summary>Rows of the doc's "Packages" table: package id → version.</summary>
    private static Dictionary<string, string> DocumentedPackages()
    {
        string section = Section(ApiDoc, "## Packages");
        return Regex.Matches(section, @"^\| (nanoFramework\.[A-Za-z0-9.]+) \| ([0-9.]+) \|", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
    }

    private static string Section(string markdown, string heading)
    {
        int start = markdown.IndexOf(heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"docs/device-apis.md has no '{heading}' section");
        int end = markdown.IndexOf("\n## ", start + heading.Length, StringComparison.Ordinal);
        return end < 0 ? markdown[start..] : markdown[start..end];
    }

    [Fact]
    public void Device_tests_use_the_applications_libraries_plus_the_test_framework()
    {
        var tests = Packages("NodeFirmware.Device.Tests");
        Assert.Contains(tests, p => p.Id == "nanoFramework.TestFramework");
        Assert.Equal(Packages("NodeFirmware.Device"), tests.Where(p => p.Id != "nanoFramework.TestFramework").ToList());
    }

    [Theory]
    [InlineData("NodeFirmware.Device")]
    [InlineData("NodeFirmware.Loader")]
    [InlineData("NodeFirmware.Device.Tests")]
    public void Every_package_is_documented_with_its_version(string project)
    {
        var documented = DocumentedPackages();
        Assert.NotEmpty(documented);
        foreach (var (id, version) in Packages(project))
        {
            Assert.True(documented.TryGetValue(id, out var v), $"{project}: package {id} is not in docs/device-apis.md");
            Assert.True(v == version, $"{project}: {id} {version} but docs/device-apis.md says {v}");
        }
    }

    /// <summary>Rows of the doc's "Package dependencies" table: package → (dependency, version it was built against).</summary>
    private static Dictionary<string, List<(string Id, string Version)>> DocumentedDependencies()
    {
        string section = Section(ApiDoc, "### Package dependencies");
        return Regex.Matches(section, @"^\| (nanoFramework\.[A-Za-z0-9.]+) \| ([^|]+) \|", RegexOptions.Multiline)
            .ToDictionary(m => m.Groups[1].Value, m => Regex.Matches(m.Groups[2].Value, @"(nanoFramework\.[A-Za-z0-9.]+) ([0-9.]+)")
                .Select(d => (d.Groups[1].Value, d.Groups[2].Value)).ToList());
    }

    /// <summary>
    /// nanoCLR binds an assembly reference by name and major.minor (nf-interpreter's FindAssembly, fExact false);
    /// NuGet wants at least the version a nuspec names. Both must hold for every dependency of every pinned package.
    /// </summary>
    [Theory]
    [InlineData("NodeFirmware.Device")]
    [InlineData("NodeFirmware.Device.Tests")]
    public void Every_dependency_is_pinned_at_a_version_that_loads(string project)
    {
        var pinned = Packages(project).ToDictionary(p => p.Id, p => Version.Parse(p.Version));
        var dependencies = DocumentedDependencies();
        Assert.NotEmpty(dependencies);
        foreach (var (package, _) in pinned)
        {
            if (package == "nanoFramework.CoreLibrary" || package.StartsWith("nanoFramework.UnitsNet.", StringComparison.Ordinal)
                || package == "nanoFramework.System.Buffers.Binary.BinaryPrimitives" || package == "nanoFramework.System.Device.Model") continue;
            Assert.True(dependencies.ContainsKey(package), $"{project}: {package} has no row in docs/device-apis.md 'Package dependencies'");
        }
        foreach (var (package, needs) in dependencies)
        {
            if (!pinned.ContainsKey(package)) continue;
            foreach (var (id, version) in needs)
            {
                var required = Version.Parse(version);
                Assert.True(pinned.TryGetValue(id, out var have), $"{project}: {package} needs {id} {version}, which packages.config does not pin");
                Assert.True(have >= required, $"{project}: {package} needs {id} >= {version}, pinned {have}");
                Assert.True(have!.Major == required.Major && have.Minor == required.Minor,
                    $"{project}: {package} was built against {id} {version}; nanoCLR will not bind it to {have} (major.minor differ)");
            }
        }
    }

    [Fact]
    public void The_test_framework_is_built_on_the_pinned_core_library()
    {
        var needs = DocumentedDependencies()["nanoFramework.TestFramework"];
        var core = Packages("NodeFirmware.Device.Tests").Single(p => p.Id == "nanoFramework.CoreLibrary");
        Assert.Contains(("nanoFramework.CoreLibrary", core.Version), needs);
    }

    [Fact]
    public void Device_and_loader_use_the_same_library_set()
    {
        Assert.Equal(Packages("NodeFirmware.Device"), Packages("NodeFirmware.Loader"));
    }

    [Theory]
    [InlineData("NodeFirmware.Device")]
    [InlineData("NodeFirmware.Loader")]
    [InlineData("NodeFirmware.Device.Tests")]
    public void References_match_packages_config_one_to_one(string project)
    {
        var packages = Packages(project);
        var hintPaths = Nfproj(project).Descendants(Msbuild + "Reference").Select(r => (string?)r.Element(Msbuild + "HintPath")).ToList();
        Assert.All(hintPaths, h => Assert.NotNull(h));
        var referenced = new HashSet<string>();
        foreach (string hint in hintPaths!)
        {
            var m = Regex.Match(hint!, @"^\.\.\\packages\\(?<pkg>[^\\]+)\\lib\\(netnano1\.0\\)?(?<dll>[^\\]+)\.(dll|exe)$");
            Assert.True(m.Success, $"{project}: HintPath '{hint}' is not ..\\packages\\<id>.<version>\\lib\\<assembly>.dll");
            var match = packages.FirstOrDefault(p => m.Groups["pkg"].Value == p.Id + "." + p.Version);
            Assert.True(match.Id != null, $"{project}: HintPath '{hint}' names a package/version not in packages.config");
            referenced.Add(match.Id!);
        }
        foreach (var (id, _) in packages) Assert.True(referenced.Contains(id), $"{project}: package {id} has no <Reference>");
    }

    [Theory]
    [InlineData("NodeFirmware.Device")]
    [InlineData("NodeFirmware.Loader")]
    [InlineData("NodeFirmware.Device.Tests")]
    public void Every_compile_item_exists(string project)
    {
        var items = Nfproj(project).Descendants(Msbuild + "Compile").Select(c => (string)c.Attribute("Include")!).ToList();
        Assert.NotEmpty(items);
        foreach (string include in items)
        {
            string relative = include.Replace('\\', Path.DirectorySeparatorChar);
            if (include.Contains('*'))
            {
                string root = Path.GetFullPath(Path.Combine(ProjectDir(project), relative[..relative.IndexOf('*')]));
                var sources = Directory.GetFiles(root, "*.cs", SearchOption.AllDirectories)
                    .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"));
                Assert.True(sources.Any(), $"{project}: '{include}' matches no source");
            }
            else
            {
                Assert.True(File.Exists(Path.Combine(ProjectDir(project), relative)), $"{project}: compile item '{include}' does not exist");
            }
        }
    }

    [Fact]
    public void Every_device_source_file_is_compiled_by_a_project()
    {
        var compiled = Projects.SelectMany(p => Nfproj(p).Descendants(Msbuild + "Compile")
                .Select(c => Path.GetFullPath(Path.Combine(ProjectDir(p), ((string)c.Attribute("Include")!).Replace('\\', Path.DirectorySeparatorChar)))))
            .ToHashSet();
        foreach (var source in DeviceSources())
        {
            Assert.True(compiled.Contains(Path.GetFullPath(source)), $"{source} is not in any .nfproj");
        }
    }

    /// <summary>The sources that go on the device (not the host-side type check in NodeFirmware.Device/TypeCheck).</summary>
    private static IEnumerable<string> DeviceSources()
    {
        char s = Path.DirectorySeparatorChar;
        return Projects.SelectMany(p => Directory.GetFiles(ProjectDir(p), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{s}obj{s}") && !f.Contains($"{s}bin{s}") && !f.Contains($"{s}TypeCheck{s}"));
    }

    [Fact]
    public void Imported_namespaces_are_documented()
    {
        var allowed = new HashSet<string> { "System", "System.Collections", "System.Diagnostics", "System.Reflection", "System.Threading" };
        foreach (Match m in Regex.Matches(Section(ApiDoc, "## Namespaces the device sources may import"), @"^\| `([A-Za-z0-9.]+)` \|", RegexOptions.Multiline))
            allowed.Add(m.Groups[1].Value);
        Assert.True(allowed.Count > 10);
        foreach (var source in DeviceSources())
        {
            foreach (Match u in Regex.Matches(File.ReadAllText(source), @"^using ([A-Za-z0-9.]+);", RegexOptions.Multiline))
            {
                string ns = u.Groups[1].Value;
                Assert.True(ns.StartsWith("NodeFirmware.", StringComparison.Ordinal) || allowed.Contains(ns),
                    $"{Path.GetFileName(source)} imports {ns}, which docs/device-apis.md does not list");
            }
        }
    }

    [Fact]
    public void Device_sources_stay_within_nanoFrameworks_language_limits()
    {
        var forbidden = new (string Pattern, string Why)[]
        {
            (@"\b(List|Dictionary|HashSet|IEnumerable|IList|Queue|Stack|Func|Action|Span)<", "generic types"),
            (@"\bSystem\.Linq\b|\.Where\(|\.OrderBy\(|\.ToList\(\)|\.FirstOrDefault\(", "LINQ"),
            (@"\basync\b|\bawait\b|\bTask\b", "async/Task"),
            (@"\bStringBuilder\b", "StringBuilder"),
            (@"\bEncoding\.", "System.Text.Encoding"),
            (@"\bMath\.", "System.Math (not referenced by the app's own code)"),
            (@"\brecord\b|\binit;", "C# records / init (LangVersion 9 features nanoFramework does not support)"),
        };
        foreach (var source in DeviceSources())
        {
            string code = Regex.Replace(File.ReadAllText(source), @"//.*$", "", RegexOptions.Multiline);
            foreach (var (pattern, why) in forbidden)
                Assert.False(Regex.IsMatch(code, pattern), $"{Path.GetFileName(source)} uses {why}");
        }
    }

    [Fact]
    public void Board_pins_match_the_board_files()
    {
        string code = File.ReadAllText(Path.Combine(ProjectDir("NodeFirmware.Device"), "BoardPins.cs"));
        var factories = Regex.Matches(code, @"public static BoardPins \w+\(\)\s*\{(?<body>.*?)return b;", RegexOptions.Singleline);
        Assert.Equal(new BoardsCatalogNames().All.Count(), factories.Count);
        var seen = new HashSet<string>();
        foreach (Match f in factories)
        {
            var fields = Regex.Matches(f.Groups["body"].Value, @"b\.(\w+) = (""[^""]*""|-?0x[0-9A-Fa-f]+|-?\d+|true|false);")
                .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value.Trim('"'));
            string name = fields["Name"];
            seen.Add(name);
            using var json = JsonDocument.Parse(RepoFiles.Read("boards", name + ".json"));
            var root = json.RootElement;
            var bme = root.GetProperty("bme280");
            Assert.Equal(bme.GetProperty("i2cBus").GetInt32(), int.Parse(fields["I2cBus"]));
            Assert.Equal(bme.GetProperty("sdaPin").GetInt32(), int.Parse(fields["SdaPin"]));
            Assert.Equal(bme.GetProperty("sclPin").GetInt32(), int.Parse(fields["SclPin"]));
            Assert.Equal(Convert.ToInt32(bme.GetProperty("address").GetString(), 16), Convert.ToInt32(fields["Bme280Address"], 16));
            var battery = root.GetProperty("battery");
            if (battery.ValueKind == JsonValueKind.Null)
            {
                Assert.Equal("-1", fields["BatteryAdcChannel"]);
            }
            else
            {
                Assert.Equal((int)Math.Round(battery.GetProperty("dividerRatio").GetDouble() * 1000), int.Parse(fields["BatteryDividerPermille"]));
            }
            var led = root.GetProperty("ledPin");
            Assert.Equal(led.ValueKind == JsonValueKind.Null ? -1 : led.GetInt32(), int.Parse(fields["LedPin"]));
            var factory = root.GetProperty("factoryPin");
            Assert.Equal(factory.GetProperty("gpio").GetInt32(), int.Parse(fields["FactoryPin"]));
            Assert.Equal(factory.GetProperty("activeLow").GetBoolean(), bool.Parse(fields["FactoryPinActiveLow"]));
            Assert.Equal(NodeFirmware.HostCommon.Boards.ChipPins.For(root.GetProperty("chip").GetString()!)!.Adc1Channel(
                battery.ValueKind == JsonValueKind.Null ? -1 : battery.GetProperty("adcPin").GetInt32()), int.Parse(fields["BatteryAdcChannel"]));
        }
        Assert.Equal(new BoardsCatalogNames().All.Order(), seen.Order());
    }

    private sealed class BoardsCatalogNames
    {
        public IEnumerable<string> All => new NodeFirmware.HostCommon.Boards.BoardCatalog(RepoFiles.Root).Names();
    }
}
